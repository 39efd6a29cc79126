"""The ``dzgeo`` command: build, validate, export.

Every command exits 0 on success, 2 with one clear message on a dzgeo error (bad input,
missing file, unknown filter), and crashes loudly on anything else (a bug).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from dzgeo.errors import DzgeoError
from dzgeo.settings import GEODATA_DIR, LAYERS_DIR

log = logging.getLogger("dzgeo")


def _cmd_build(args: argparse.Namespace) -> int:
    from dzgeo.build import build_layers, load_geodata, write_layers

    written = write_layers(build_layers(load_geodata(args.geodata)), args.outdir)
    for path in written:
        print(f"wrote {path}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from dzgeo.projects import check_projects
    from dzgeo.published import read_layers

    vocab = read_layers(args.layers).vocab
    frame = check_projects(args.path, vocab)
    print(f"{args.path}: {len(frame)} 个项目，全部通过检查 (all rows valid)")
    return 0


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

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s"
    )
    try:
        return args.func(args)
    except DzgeoError as exc:
        print(f"dzgeo {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
