"""The ledger's ``dzgeo`` commands: template, import, versions, revert, table.

:func:`add_ledger_parsers` adds them to the ``dzgeo`` parser (dzgeo/cli.py). Each prints
plain text and returns the exit code; bad input raises a DzgeoError, which the CLI
prints as one line and exits 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from dzgeo.errors import DataValidationError, ExportError
from dzgeo.settings import LAYERS_DIR

if TYPE_CHECKING:
    from dzgeo.ledger.store import LedgerStore

__all__ = ["TABLE_FORMATS", "add_ledger_parsers"]

#: ``dzgeo table`` output suffix -> the download function's name in dzgeo.tables.
TABLE_FORMATS = {".csv": "projects_csv", ".xlsx": "projects_xlsx", ".geojson": "projects_geojson"}


def _store(args: argparse.Namespace) -> LedgerStore:
    from dzgeo.ledger.store import open_store

    return open_store(args.store)


def _cmd_template(args: argparse.Namespace) -> int:
    from dzgeo.briefing.sheets import write_atomic
    from dzgeo.ledger.current import current_projects, plan_projects
    from dzgeo.ledger.importer import ledger_context
    from dzgeo.ledger.template import template_bytes

    if args.output.suffix.lower() != ".xlsx":
        raise ExportError(f"{args.output}: 模板须为 .xlsx 文件 (use -o 台账模板.xlsx)")
    context = ledger_context(args.layers)
    if args.current:
        with _store(args) as store:
            projects = current_projects(store, plan=plan_projects(args.layers))
    else:
        projects = plan_projects(args.layers)
    path = write_atomic(args.output, template_bytes(projects, context.index.vocab))
    print(f"wrote {path}: {len(projects)} 个项目 (projects)")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from dzgeo.ledger.importer import import_file, ledger_context, preview_import

    context = ledger_context(args.layers)
    with _store(args) as store:
        preview = preview_import(args.path, store, context=context)
        for line in preview.lines():
            print(line)
        if not preview.ok:
            print(f"{args.path}: 未导入 (not imported)", file=sys.stderr)
            return 2
        if args.dry_run:
            print("预览完毕，未保存 (dry run: nothing stored)")
            return 0
        try:
            version, final = import_file(args.path, store, context=context, user=args.user)
        except DataValidationError as exc:  # the store changed under the preview
            print(str(exc), file=sys.stderr)
            return 2
        if final.assigned != preview.assigned:
            given = "、".join(f"第 {r} 行 -> {i}" for r, i in final.assigned.items())
            print(f"新编号 (ids assigned): {given}")
        print(f"已保存为 {version.describe()}")
    return 0


def _cmd_versions(args: argparse.Namespace) -> int:
    with _store(args) as store:
        current = store.current_version()
        for version in store.versions():
            mark = "*" if version.number == current else " "
            print(f"{mark} {version.describe()}")
    return 0


def _cmd_revert(args: argparse.Namespace) -> int:
    with _store(args) as store:
        version = store.revert(args.version, user=args.user)
        print(f"已恢复 (reverted): {version.describe()}")
    return 0


def _cmd_table(args: argparse.Namespace) -> int:
    from dzgeo import downloads
    from dzgeo.briefing.sheets import write_atomic
    from dzgeo.cli import filter_from_options
    from dzgeo.filters import apply_filter
    from dzgeo.ledger.current import current_projects, plan_projects
    from dzgeo.ledger.importer import ledger_context

    suffix = args.output.suffix.lower()
    if suffix not in TABLE_FORMATS:
        raise ExportError(f"{args.output}: 不支持的格式“{suffix}” — 用 .csv、.xlsx 或 .geojson")
    vocab = ledger_context(args.layers).index.vocab
    flt = filter_from_options(args, vocab)
    with _store(args) as store:
        projects = current_projects(store, version=args.version, plan=plan_projects(args.layers))
    shown = apply_filter(projects, flt, vocab)
    if suffix == ".xlsx":  # what the app's Excel button gives: the same 说明 sheet
        info = downloads.DownloadInfo(filter=flt)
        data = downloads.projects_xlsx(shown, vocab, info=info, english=args.english)
    else:
        make: Callable[..., bytes] = getattr(downloads, TABLE_FORMATS[suffix])
        data = make(shown, vocab, english=args.english)
    path = write_atomic(args.output, data)
    print(f"wrote {path}: {len(shown)} 个项目，台账第 {projects.attrs['ledger_version']} 版")
    return 0


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store", help="ledger store: a file or postgresql://… (default: DZGEO_STORE)"
    )
    parser.add_argument("--layers", type=Path, default=LAYERS_DIR, help="published layers")


def add_ledger_parsers(
    sub: argparse._SubParsersAction,
    add_filter_options: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Add template / import / versions / revert / table to the ``dzgeo`` sub-parsers."""
    template = sub.add_parser("template", help="the ledger template (Excel) to fill in")
    template.add_argument("-o", "--output", type=Path, required=True, help="台账模板.xlsx")
    template.add_argument(
        "--current", action="store_true", help="fill in the current ledger version's values"
    )
    _common(template)
    template.set_defaults(func=_cmd_template)

    imp = sub.add_parser("import", help="import a ledger file (XLSX, CSV, GeoJSON)")
    imp.add_argument("path", type=Path, help="the ledger file")
    imp.add_argument("--dry-run", action="store_true", help="preview only, store nothing")
    imp.add_argument("--user", help="who imports (default: DZGEO_USER or the login name)")
    _common(imp)
    imp.set_defaults(func=_cmd_import)

    versions = sub.add_parser("versions", help="list the ledger's versions")
    _common(versions)
    versions.set_defaults(func=_cmd_versions)

    revert = sub.add_parser("revert", help="make version N current again (as a new version)")
    revert.add_argument("version", type=int, help="the version number (see dzgeo versions)")
    revert.add_argument("--user", help="who reverts")
    _common(revert)
    revert.set_defaults(func=_cmd_revert)

    table = sub.add_parser("table", help="the current version's projects as CSV/XLSX/GeoJSON")
    table.add_argument("-o", "--output", type=Path, required=True, help=".csv .xlsx .geojson")
    table.add_argument("--version", type=int, help="a ledger version (default: current)")
    table.add_argument(
        "--english", action="store_true", help="field codes instead of Chinese headers"
    )
    add_filter_options(table)
    _common(table)
    table.set_defaults(func=_cmd_table)
