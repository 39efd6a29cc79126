"""The ``dzgeo`` command: build, validate, export, and the ledger's template, import,
versions, revert and table (dzgeo/ledger/commands.py).

Every command exits 0 on success, 2 with one clear message on a dzgeo error (bad input,
missing file, unknown filter, unwritable output), 128 + N when signal N stopped it, and
1 on a bug, whose traceback is logged to a file instead of shown.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dzgeo.errors import DataFileNotFoundError, DzgeoError, shorten
from dzgeo.outputs import SIGNALS, cleanup_on_signals, remove_stale_temporaries
from dzgeo.settings import GEODATA_DIR, LAYERS_DIR

if TYPE_CHECKING:
    from dzgeo.filters import ProjectFilter
    from dzgeo.vocabulary import Vocabulary

log = logging.getLogger("dzgeo")


def _cmd_build(args: argparse.Namespace) -> int:
    from dzgeo.data.build import build_layers, load_geodata, write_layers

    written = write_layers(build_layers(load_geodata(args.geodata)), args.outdir)
    for path in written:
        print(f"wrote {path}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from dzgeo.data.projects import scan_projects
    from dzgeo.data.published import read_layers
    from dzgeo.errors import capped_lines

    layers = read_layers(args.layers)
    basis = _catalogue_note(args.layers)
    try:
        scan = scan_projects(args.path, layers.vocab, outline=layers.city.geometry.union_all())
    except DzgeoError:
        print(basis, file=sys.stderr)
        raise
    print(basis)
    for note in scan.notes:
        print(f"注意 (note): {note}")
    if found := scan.formula_like:
        total = sum(found.totals.values())
        print(f"警告 (warning): {total:,} 个单元格会被电子表格当作公式执行 (formula-like cells):")
        for line in capped_lines(found.kept, found.totals):
            print(f"  - {line}")
    print(f"{shorten(args.path)}: {scan.rows:,} 个项目，全部通过检查 (all rows valid)")
    return 0


def _catalogue_note(layers: Path) -> str:
    """Which catalogue (industries, sub-fields, places) a user's file was checked against."""
    if Path(layers).resolve() == LAYERS_DIR.resolve():
        return (
            f"检查依据：本仓库自带的产业、细分领域与地点目录 {shorten(layers)} "
            "(checked against the repository's own catalogue)"
        )
    return (
        f"检查依据：{shorten(layers)} 中的产业、细分领域与地点目录 (checked against that catalogue)"
    )


def _cmd_export(args: argparse.Namespace) -> int:
    from dzgeo.briefing import atlas, sheets
    from dzgeo.briefing.figure import SheetText
    from dzgeo.data.published import read_layers
    from dzgeo.errors import ExportError
    from dzgeo.ledger.view import current_layers

    text = SheetText(
        subtitle=args.subtitle or "", unit=args.unit or "", review_number=args.review_number or ""
    )
    options = {"paper": args.paper, "orientation": args.orientation, "dpi": args.dpi}
    if args.each is not None:
        if args.kind is not None or args.output is not None or args.outdir is None:
            raise ExportError(
                f"--each {args.each} 与地图类型、-o 不能同用，需要 --outdir "
                f"(use: dzgeo export --each {args.each} --outdir DIR)"
            )
        fmt = (args.format or "pdf").lower().lstrip(".")
        sheets.check_request("layout", "pdf" if fmt == "pptx" else fmt, **options)
        layers = current_layers(read_layers(args.layers), args.layers)
        flt = filter_from_options(args, layers.vocab)
        written = atlas.export_set(
            layers, args.outdir, flt=flt, each=args.each, fmt=fmt, text=text,
            progress=not args.no_progress, **options,
        )  # fmt: skip
    else:
        if args.kind is None or args.output is None or args.outdir is not None:
            raise ExportError(
                "需要地图类型和 -o 输出文件 (use: dzgeo export layout|projects -o FILE, "
                "or dzgeo export --each industry|place|status --outdir DIR)"
            )
        fmt = sheets.format_for(args.output, args.format)
        sheets.check_request(args.kind, "pdf" if fmt == "pptx" else fmt, **options)
        layers = current_layers(read_layers(args.layers), args.layers)
        flt = filter_from_options(args, layers.vocab)
        written = [
            sheets.export(
                layers, args.output, kind=args.kind, flt=flt, fmt=fmt, text=text, **options
            )
        ]
    for path in written:
        print(f"wrote {path}")
    return 0


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    """The filter options shared by every command that writes projects (export, table)."""
    parser.add_argument("--industry", action="append", help="产业 (repeat or comma-separate)")
    parser.add_argument("--place", action="append", help="地点: county, zone or 中心城区")
    parser.add_argument("--group", action="append", help="新兴 | 传统")
    parser.add_argument("--subfield", action="append", help="细分领域")
    parser.add_argument("--q", action="append", help="text in project or enterprise name")
    parser.add_argument(
        "--status", action="append", help="状态: 谋划 前期 在建 竣工 投产 取消 未填 (repeat)"
    )
    parser.add_argument("--start-year", metavar="A-B", help="开工年份 range, e.g. 2019-2021, 2020-")
    parser.add_argument("--investment", metavar="A-B", help="总投资（亿元） range, e.g. 1-10, 5-")
    parser.add_argument("--year", metavar="YYYY", help="only what stood in that year (2018-)")


def filter_from_options(args: argparse.Namespace, vocab: Vocabulary) -> ProjectFilter:
    """The filter the options of :func:`add_filter_options` name, checked strictly
    (an unknown name or a malformed range raises :class:`~dzgeo.errors.FilterError`)."""
    from dzgeo.filters import parse_filter

    raw: dict[str, list[str]] = {}
    for key, values in (
        ("industry", args.industry),
        ("place", args.place),
        ("group", args.group),
        ("subfield", args.subfield),
        ("q", args.q),
        ("status", args.status),
        ("start", [args.start_year] if args.start_year is not None else None),
        ("invest", [args.investment] if args.investment is not None else None),
        ("year", [args.year] if args.year is not None else None),
    ):
        if values:
            raw[key] = list(values)
    return parse_filter(raw, vocab)


def _cmd_app(args: argparse.Namespace) -> int:
    """Serve the interactive map (``streamlit run`` on the app, installed or checked out).

    The process becomes Streamlit (exec), so a signal that stops ``dzgeo app`` stops the
    server: a child would outlive a terminated parent and keep the port.
    """
    from dzgeo.settings import APP_SCRIPT

    if not APP_SCRIPT.is_file():
        raise DataFileNotFoundError(
            f"{APP_SCRIPT}: 找不到应用 (app not found) — 请重新安装：pip install ."
        )
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT),
        "--server.enableStaticServing", "true", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.port", str(args.port),
    ]  # fmt: skip
    sys.stdout.flush()
    os.chdir(APP_SCRIPT.parent)
    os.execv(sys.executable, command)


def _add_export_parser(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser(
        "export",
        help="briefing sheets as PDF / PNG / SVG, sets and slide decks",
        description="出图：布局图、按筛选的项目图（带项目清单），或整套（布局 + 每个产业、"
        "每个地点或每种状态一张；PDF 另出一个带书签的合订本；PPTX 为幻灯片）",
    )
    export.add_argument("kind", nargs="?", help="layout | projects")
    export.add_argument("-o", "--output", type=Path, help="output file (.png .pdf .svg .pptx)")
    export.add_argument(
        "--each",
        metavar="industry|place|status",
        help="a set: one sheet per industry, place or 状态",
    )
    export.add_argument("--outdir", type=Path, help="output folder for --each")
    add_filter_options(export)
    export.add_argument("--format", help="png | pdf | svg | pptx (default: from the suffix)")
    export.add_argument("--subtitle", help="副标题 (a line under the title)")
    export.add_argument("--unit", help="制图单位 (shown in the footer; default dzgeo)")
    export.add_argument("--review-number", help="审图号 (shown in the footer when given)")
    export.add_argument("--paper", default="A4", help="A4 | A3 (default A4)")
    export.add_argument(
        "--orientation", default="landscape", help="landscape | portrait (default landscape)"
    )
    export.add_argument("--dpi", type=int, default=300, help="PNG resolution (default 300)")
    export.add_argument("--layers", type=Path, default=LAYERS_DIR, help="published layers")
    export.add_argument("--no-progress", action="store_true", help="no progress bar")
    export.set_defaults(func=_cmd_export)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``dzgeo`` command."""
    parser = argparse.ArgumentParser(
        prog="dzgeo", description="德州市新旧动能转换规划空间布局：数据构建、检查与出图"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print progress logs")
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", help="validate geodata/ and publish layers/")
    build.add_argument("--geodata", type=Path, default=GEODATA_DIR, help="source folder")
    build.add_argument("--outdir", type=Path, default=LAYERS_DIR, help="output folder")
    build.set_defaults(func=_cmd_build)

    validate = sub.add_parser("validate", help="check a projects file (CSV, XLSX, GeoJSON)")
    validate.add_argument("path", type=Path, help="the projects file to check")
    validate.add_argument("--layers", type=Path, default=LAYERS_DIR, help="published layers")
    validate.set_defaults(func=_cmd_validate)

    _add_export_parser(sub)

    app = sub.add_parser("app", help="serve the interactive map (Streamlit)")
    app.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    app.set_defaults(func=_cmd_app)

    from dzgeo.ledger.commands import add_ledger_parsers

    add_ledger_parsers(sub, add_filter_options)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    0: done; 2: bad input or output, one message naming the file and the fix; 128 + the
    signal's number when SIGINT / SIGTERM / SIGHUP stopped it (its temporaries removed,
    no traceback); 1: a bug, whose traceback goes to the log file named in the message.
    """
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s"
    )
    with _signals_cleaned_up():
        _remove_what_killed_runs_left(args)
        try:
            return args.func(args)
        except DzgeoError as exc:
            print(f"dzgeo {args.command}: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:  # disk full, permissions, a file vanishing under us
            where = f"{shorten(exc.filename)}: " if exc.filename else ""
            print(
                f"dzgeo {args.command}: {where}{exc.strerror or exc} — "
                "请检查路径、权限和磁盘空间 (check the path, permissions and free space)",
                file=sys.stderr,
            )
            return 2
        except KeyboardInterrupt:  # Ctrl-C outside the main thread's handlers
            print(f"dzgeo {args.command}: 已中断 (interrupted)", file=sys.stderr)
            return 128 + signal.SIGINT
        except Exception:
            return _bug(args)


def _remove_what_killed_runs_left(args: argparse.Namespace) -> None:
    """First thing, remove the temporaries a killed (SIGKILL) run left where this one writes.

    The writers remove them too, but only when they get to writing; a run stopped before
    that would otherwise leave the stale files for one more run.
    """
    for attr in ("output", "outdir"):
        path = getattr(args, attr, None)
        if isinstance(path, Path):
            remove_stale_temporaries(path.parent)
            if attr == "outdir":  # --each writes its files inside the folder
                remove_stale_temporaries(path)


def _bug(args: argparse.Namespace) -> int:
    """Log an unexpected error's traceback to a file and say where, in one line."""
    path = Path(tempfile.gettempdir()) / "dzgeo-error.log"
    text = traceback.format_exc()
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"dzgeo {args.command} ({sys.argv!r}):\n{text}\n")
        where = f"详情见 {path}"
    except OSError:
        where = "请用 -v 重新运行查看详情"
    if args.verbose:
        print(text, file=sys.stderr)
    print(
        f"dzgeo {args.command}: 内部错误 (internal error) — {where}；请把该文件发给维护者",
        file=sys.stderr,
    )
    return 1


@contextlib.contextmanager
def _signals_cleaned_up() -> Iterator[None]:
    """Signal handlers that remove temporaries, for the run only (the main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {signum: signal.getsignal(signum) for signum in SIGNALS}
    cleanup_on_signals()
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


if __name__ == "__main__":
    sys.exit(main())
