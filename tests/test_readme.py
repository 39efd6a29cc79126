"""The README's module map names every module of the package, in its folder's line."""

from __future__ import annotations

import re

from dzgeo.settings import REPO_ROOT

PACKAGE = REPO_ROOT / "dzgeo"


def _module_map() -> dict[str, str]:
    """Folder ('' for dzgeo/ itself) -> the text of its entry in the README's map."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("代码结构（目录即架构）：", 1)[1].split("```")[1]
    entries: dict[str, str] = {}
    current = None
    for line in block.splitlines():
        if match := re.match(r"^(dzgeo/|  (\w+)/)\s", line):
            current = match.group(2) or ""
            entries[current] = line
        elif line.startswith(" " * 10) and current is not None:
            entries[current] += line
        else:
            current = None
    return entries


def test_module_map_names_every_module() -> None:
    entries = _module_map()
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "__init__.py":
            continue
        folder = path.relative_to(PACKAGE).parts[0] if path.parent != PACKAGE else ""
        if folder not in entries or path.stem not in entries[folder]:
            missing.append(str(path.relative_to(REPO_ROOT)))
    assert not missing, f"README 代码结构 does not name: {missing}"
    subpackages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert subpackages <= set(entries), sorted(subpackages - set(entries))
