"""A lightweight client of Streamlit's websocket protocol, for the load harness and the
replica test: it speaks what the browser's frontend speaks (BackMsg rerun requests
with widget states, ForwardMsg deltas back, element hashes it has seen reported so
the server sends references), without drawing anything.

One session per :class:`Session`; many run side by side in one asyncio loop, so twenty
sessions cost the machine almost nothing next to the server they load.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

import websockets
from _support import line_markup
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

#: The app's two components (st.components.v2): the map, whose "ready" state answers
#: the app's ask, and the view hand-over, whose data carries the ask and the view token.
MAP_COMPONENT = "dzgeo_map"
VIEW_COMPONENT = "dzgeo_view"


@dataclass
class Run:
    """One script run as the client saw it."""

    seconds: float  # from the rerun request to script_finished
    received: int  # bytes of ForwardMsgs
    messages: int


@dataclass
class Session:
    """One app session over ``ws://…/_stcore/stream``."""

    url: str  # http://host:port
    query: dict[str, str] | dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    widgets: dict[str, WidgetState] = field(default_factory=dict)
    multiselects: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # label ->
    component_id: str = ""
    ask: str = ""
    view_token: str = ""  # the map's view (dzgeo.web.live's update) of the last run
    texts: list[str] = field(default_factory=list)  # markdown bodies and the line above the map
    cached: set[str] = field(default_factory=set)
    runs: list[Run] = field(default_factory=list)
    cookies: str = ""
    _ws: websockets.ClientConnection | None = None

    async def connect(self) -> None:
        """Open the websocket (with the page's cookies, e.g. a sticky-session cookie)."""
        ws_url = self.url.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = self.cookies
        self._ws = await websockets.connect(
            ws_url,
            subprotocols=[websockets.Subprotocol("streamlit")],
            additional_headers=headers,
            max_size=None,
            compression=None,
        )

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()

    async def rerun(self) -> Run:
        """Ask for a run with the current widget states; wait for it to finish."""
        assert self._ws is not None, "connect() first"
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = urlencode(self.query, doseq=True)
        state.widget_states.widgets.extend(self.widgets.values())
        state.cached_message_hashes.extend(sorted(self.cached))
        start = time.perf_counter()
        await self._ws.send(msg.SerializeToString())
        received = messages = 0
        self.texts = []
        while True:
            raw = await self._ws.recv()
            data = raw if isinstance(raw, bytes) else raw.encode()
            received += len(data)
            messages += 1
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            self._take(fwd)
            if fwd.WhichOneof("type") == "script_finished" and fwd.script_finished in (
                ForwardMsg.FINISHED_SUCCESSFULLY,
                ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
            ):
                break
        run = Run(time.perf_counter() - start, received, messages)
        self.runs.append(run)
        return run

    def _take(self, fwd: ForwardMsg) -> None:
        if fwd.metadata.cacheable and fwd.hash:
            self.cached.add(fwd.hash)
        if fwd.WhichOneof("type") == "page_info_changed":
            # the app wrote its URL: the next run sends it, as a browser's page would (the
            # app takes a URL other than the one it wrote for a step back in history)
            self.query = parse_qs(fwd.page_info_changed.query_string, keep_blank_values=True)
        if fwd.WhichOneof("type") != "delta" or fwd.delta.WhichOneof("type") != "new_element":
            return
        element = fwd.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "multiselect":
            self.multiselects[element.multiselect.label] = (
                element.multiselect.id,
                list(element.multiselect.options),
            )
        elif kind == "bidi_component":
            component = element.bidi_component
            if component.component_name.endswith(MAP_COMPONENT):  # its state widget
                self.component_id = component.id
            elif component.component_name.endswith(VIEW_COMPONENT):
                update = json.loads(component.json)
                self.ask = update.get("ask", "")
                self.view_token = update.get("token", self.view_token)
                # the line above the map, bold as **…** (as the Markdown it replaced)
                self.texts.append(line_markup(update.get("line", [])))
        elif kind == "markdown":
            self.texts.append(element.markdown.body)

    def choose(self, label: str, prefixes: list[str]) -> None:
        """Set the multiselect ``label`` to the options starting with ``prefixes``."""
        wid, options = self.multiselects[label]
        state = WidgetState(id=wid)
        state.string_array_value.data.extend(
            [o for o in options if any(o.startswith(p) for p in prefixes)]
        )
        self.widgets[wid] = state

    def report_map_drawn(self) -> bool:
        """Answer the app's ask as the map does once it has drawn; False if none."""
        if not (self.ask and self.component_id):
            return False
        state = WidgetState(id=self.component_id, json_value=json.dumps({"ready": self.ask}))
        self.widgets[self.component_id] = state
        return True

    async def open(self) -> Run:
        """Connect and run the page as a browser does: the first run, then the run the
        map's ready signal asks for. Returns the first run."""
        await self.connect()
        first = await self.rerun()
        if self.report_map_drawn():
            await self.rerun()
        return first


async def gather(*coros):
    """``asyncio.gather`` that cancels the rest when one fails."""
    return await asyncio.gather(*coros)
