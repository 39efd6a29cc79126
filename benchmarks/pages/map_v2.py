"""Floor page of ``bench_app.py --floor``: the same folium map mounted without an iframe,
through ``st.components.v2`` (Leaflet and dzmap.js from /app/static/, as the app's), and
one sidebar filter. A measurement, not the app: the folium page is taken apart into its
stylesheets, scripts, map element and inline scripts, and put together in the app page."""

import re

import streamlit as st
from _floor import map_layers

from dzgeo.web import views as webmap

MOUNT_JS = """
export default async function (component) {
  const { data, parentElement } = component;
  if (parentElement.querySelector(".folium-map")) return;
  for (const href of data.css) {
    if (document.querySelector('link[href="' + href + '"]')) continue;
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.appendChild(link);
  }
  for (const src of data.js) {
    if (document.querySelector('script[src="' + src + '"]')) continue;
    await new Promise((done, failed) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = done;
      script.onerror = failed;
      document.head.appendChild(script);
    });
  }
  const box = document.createElement("div");
  box.style.height = data.height + "px";
  box.style.position = "relative";
  box.innerHTML = data.style + data.body;
  parentElement.appendChild(box);
  for (const code of data.inline) {
    const script = document.createElement("script");
    script.textContent = code;
    document.body.appendChild(script);
  }
}
"""


@st.cache_resource
def pieces(height: int = 700) -> dict:
    """The folium page's parts for the mount script."""
    html = webmap.render_html(webmap.build_map(*map_layers()))
    head, body = html.split("<body>", 1)
    styles = re.findall(r"<style>.*?</style>", head, flags=re.S)
    element = re.search(r'<div class="folium-map".*?</div>', body, flags=re.S)
    assert element is not None
    return {
        "css": re.findall(r'<link rel="stylesheet" href="([^"]+)"', head),
        "js": re.findall(r'<script src="([^"]+)"></script>', head),
        "style": "".join(s for s in styles if "html, body" not in s and "#map {" not in s),
        "body": element.group(0),
        "inline": re.findall(r"<script>(.*?)</script>", html, flags=re.S),
        "height": height,
    }


st.set_page_config(layout="wide")
st.sidebar.multiselect("产业", ["新能源", "高端装备"])
mount = st.components.v2.component("dzmap_v2", js=MOUNT_JS, isolate_styles=False)
mount(key="dzmap", data=pieces(), height=700)
