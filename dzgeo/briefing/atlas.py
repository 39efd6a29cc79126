"""Sets of sheets (an atlas): one sheet per industry, per place or per 状态.

A set is written as one file per sheet and, for PDF, also as one multi-page PDF with a
bookmark per sheet; as PPTX it is one deck (:mod:`dzgeo.briefing.deck`). The layout
sheet opens every set.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from dzgeo.briefing.document import combine_pdfs
from dzgeo.briefing.figure import PLAN, SheetText
from dzgeo.briefing.sheets import FORMATS, _choice, check_request, render, write_atomic
from dzgeo.data.published import Layers
from dzgeo.errors import ExportError
from dzgeo.filters import ProjectFilter, selected_industries, validate_filter, with_industries
from dzgeo.ledger.fields import STATUSES

__all__ = [
    "EACH",
    "SET_FORMATS",
    "SheetJob",
    "export_set",
    "render_set",
    "set_file_names",
    "set_jobs",
]

log = logging.getLogger(__name__)

EACH = ("industry", "place", "status")
EACH_LABELS = {"industry": "按产业", "place": "按地点", "status": "按状态"}
SET_FORMATS = (*FORMATS, "pptx")


@dataclass(frozen=True)
class SheetJob:
    """One sheet of a set: file stem, bookmark, kind and filter."""

    stem: str
    bookmark: str
    kind: str
    flt: ProjectFilter


def _status_column(projects: pd.DataFrame | None) -> pd.Series:
    values = None
    if projects is not None and "status" in projects.columns:
        values = projects["status"].fillna("").astype(str).str.strip()
    if values is None or not (values != "").any():
        raise ExportError(
            "--each status：项目没有“状态”字段 (the projects carry no 状态) — "
            "import a 项目台账 with 状态 first (dzgeo import), or use --each industry|place"
        )
    return values


def set_jobs(
    layers: Layers, flt: ProjectFilter, each: str, projects: pd.DataFrame | None = None
) -> list[SheetJob]:
    """The sheets of a set, the layout sheet first.

    ``industry``: one per industry the filter admits (01 高端装备 … 12 现代金融);
    ``place``: one per county-level unit and zone (places.csv order);
    ``status``: one per 状态 the projects carry (needs a ledger's projects).
    """
    _choice(each, EACH, "分组方式", "--each")
    jobs = [SheetJob("00-布局", "布局", "layout", replace(flt, places=()))]
    if each == "industry":
        chosen = set(
            selected_industries(layers.vocab, groups=flt.groups, industries=flt.industries)
        )
        for number, industry in enumerate(layers.vocab.industries, start=1):
            if industry in chosen:
                jobs.append(
                    SheetJob(
                        f"{number:02d}-{industry}",
                        industry,
                        "projects",
                        with_industries(flt, [industry]),
                    )
                )
    elif each == "place":
        kinds = dict(zip(layers.places["name"], layers.places["kind"], strict=True))
        wanted = [p for p in layers.vocab.filter_places() if kinds.get(p) in ("county", "zone")]
        if flt.places:
            wanted = [p for p in wanted if p in flt.places]
        for number, place in enumerate(wanted, start=1):
            jobs.append(
                SheetJob(f"{number:02d}-{place}", place, "projects", replace(flt, places=(place,)))
            )
    else:
        present = set(_status_column(layers.projects if projects is None else projects))
        statuses = [s for s in STATUSES if s in present and (not flt.statuses or s in flt.statuses)]
        for number, status in enumerate(statuses, start=1):
            job_flt = replace(flt, statuses=(status,))
            jobs.append(SheetJob(f"{number:02d}-{status}", status, "projects", job_flt))
    return jobs


def set_file_names(
    layers: Layers, flt: ProjectFilter, fmt: str, each: str = "industry"
) -> list[str]:
    """File names of the per-sheet files of a set (``00-布局.pdf``, ``01-高端装备.pdf`` …)."""
    return [f"{job.stem}.{fmt}" for job in set_jobs(layers, flt, each)]


def combined_name(each: str, fmt: str) -> str:
    """The name of a set's one-file form: the bookmarked PDF, or the deck."""
    return f"简报图集-{EACH_LABELS[each]}.{fmt}"


def _sheets(
    layers: Layers,
    jobs: list[SheetJob],
    fmt: str,
    options: dict[str, object],
    text: SheetText,
    projects: pd.DataFrame | None,
    progress: bool,
) -> list[tuple[SheetJob, bytes]]:
    out = []
    for job in tqdm(jobs, desc="出图 export", unit="sheet", disable=not progress):
        data = render(
            layers, kind=job.kind, flt=job.flt, fmt=fmt, text=text, projects=projects,
            **options,  # type: ignore[arg-type]
        )  # fmt: skip
        out.append((job, data))
    return out


def render_set(
    layers: Layers,
    *,
    flt: ProjectFilter = ProjectFilter(),  # noqa: B008  (frozen dataclass, never mutated)
    each: str = "industry",
    fmt: str = "pdf",
    paper: str = "A4",
    orientation: str = "landscape",
    dpi: int = 300,
    text: SheetText = SheetText(),  # noqa: B008  (frozen dataclass, never mutated)
    projects: pd.DataFrame | None = None,
    progress: bool = False,
) -> bytes:
    """A whole set as one file's bytes: the bookmarked PDF (``pdf``) or the deck (``pptx``)."""
    fmt = _choice(str(fmt).lower().lstrip("."), ("pdf", "pptx"), "格式", "format")
    check_request("layout", "pdf", paper, orientation, dpi)
    flt = validate_filter(flt, layers.vocab)
    jobs = set_jobs(layers, flt, each, projects)
    if fmt == "pptx":
        from dzgeo.briefing.deck import build_deck

        return build_deck(layers, jobs, text=text, projects=projects, progress=progress)
    options = {"paper": paper, "orientation": orientation, "dpi": dpi}
    sheets = _sheets(layers, jobs, "pdf", options, text, projects, progress)
    return combine_pdfs([(job.bookmark, data) for job, data in sheets], title=_set_title(each))


def _set_title(each: str) -> str:
    return f"德州市新旧动能转换简报图集（{EACH_LABELS[each]}）— {PLAN}"


def export_set(
    layers: Layers,
    outdir: str | Path,
    *,
    flt: ProjectFilter = ProjectFilter(),  # noqa: B008  (frozen dataclass, never mutated)
    each: str = "industry",
    fmt: str = "pdf",
    paper: str = "A4",
    orientation: str = "landscape",
    dpi: int = 300,
    text: SheetText = SheetText(),  # noqa: B008  (frozen dataclass, never mutated)
    projects: pd.DataFrame | None = None,
    progress: bool = True,
    on_sheet: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Write a set into ``outdir`` (created if missing); return the files written.

    PNG / SVG / PDF: one file per sheet (see :func:`set_jobs`), and for PDF also the
    whole set as one bookmarked PDF (:func:`combined_name`); PPTX: one deck. Each file
    is written atomically; a progress bar shows on stderr when ``progress``.
    """
    fmt = _choice(str(fmt).lower().lstrip("."), SET_FORMATS, "格式", "format")
    check_request("layout", "pdf" if fmt == "pptx" else fmt, paper, orientation, dpi)
    flt = validate_filter(flt, layers.vocab)
    jobs = set_jobs(layers, flt, each, projects)
    outdir = Path(outdir)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(
            f"{outdir}: 无法创建输出目录 (cannot create folder: {exc.strerror or exc}) — "
            "choose another --outdir"
        ) from exc
    if fmt == "pptx":
        data = render_set(
            layers, flt=flt, each=each, fmt="pptx", paper=paper, orientation=orientation,
            dpi=dpi, text=text, projects=projects, progress=progress,
        )  # fmt: skip
        return [write_atomic(outdir / combined_name(each, "pptx"), data)]
    options = {"paper": paper, "orientation": orientation, "dpi": dpi}
    written = []
    sheets = []
    for job, data in _sheets(layers, jobs, fmt, options, text, projects, progress):
        path = write_atomic(outdir / f"{job.stem}.{fmt}", data)
        log.info("wrote %s (%d bytes)", path, len(data))
        written.append(path)
        sheets.append((job.bookmark, data))
        if on_sheet is not None:
            on_sheet(path)
    if fmt == "pdf":
        whole = combine_pdfs(sheets, title=_set_title(each))
        written.append(write_atomic(outdir / combined_name(each, "pdf"), whole))
    return written
