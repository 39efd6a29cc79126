"""Find an installed CJK font for the briefing maps, and say how to embed it.

Chinese text must be drawn with a real CJK font, never as boxes. :func:`find_cjk_font`
picks the first installed family of :data:`PREFERRED_FAMILIES` (or the family named in
the ``DZGEO_CJK_FONT`` environment variable) from matplotlib's font list; when there is
none it raises :class:`~dzgeo.errors.FontNotFoundError` saying how to install one.

PDF embedding depends on the font's outlines. matplotlib's Type 42 embedding writes
TrueType (``glyf``) outlines correctly, but for CFF-outline fonts such as Noto Sans CJK
it produces a font program that does not match its declared type (poppler: "Mismatch
between font type and embedded font file"). :attr:`CjkFont.pdf_fonttype` is therefore
42 for TrueType fonts (e.g. WenQuanYi Zen Hei) and 3 for CFF fonts; matplotlib's Type 3
fonts carry a ToUnicode map, so in both cases the text stays extractable text.
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fontTools.ttLib import TTFont, TTLibError
from matplotlib import font_manager
from matplotlib.font_manager import FontEntry, FontProperties

from dzgeo.errors import FontNotFoundError
from dzgeo.settings import cjk_font_family

log = logging.getLogger(__name__)

#: Simplified-Chinese sans-serif families, best first.
PREFERRED_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "Noto Sans SC",
    "Sarasa Gothic SC",
)
#: Environment variable naming a family to use instead of the preference list.
FONT_ENV = "DZGEO_CJK_FONT"
#: Characters every candidate font must have (a JP-only or Latin font is not enough).
PROBE_TEXT = "德州市齐河县禹城乐陵庆云夏津临邑新旧动能转换"
INSTALL_HINT = (
    "请安装中文字体 (install a CJK font): Debian/Ubuntu `sudo apt-get install fonts-noto-cjk` "
    "(或 fonts-wqy-zenhei)；或把 .ttf/.otf 字体文件放入 ~/.fonts 后删除 matplotlib 字体缓存 "
    "~/.cache/matplotlib；也可用环境变量 DZGEO_CJK_FONT 指定已安装的字体名"
)

Outline = Literal["truetype", "cff"]


@dataclass(frozen=True)
class CjkFont:
    """An installed CJK font family and what the exporters need to know about it.

    Attributes
    ----------
    family
        The family name matplotlib knows it by.
    path, index
        The font file and the face inside it (collections such as ``.ttc`` hold several).
    outline
        ``"truetype"`` (``glyf`` table) or ``"cff"`` (``CFF``/``CFF2`` table).
    weights
        The weights installed for this family, ascending.
    """

    family: str
    path: Path
    index: int
    outline: Outline
    weights: tuple[int, ...]

    @property
    def pdf_fonttype(self) -> int:
        """matplotlib's ``pdf.fonttype`` that embeds this font correctly (42 or 3)."""
        return 42 if self.outline == "truetype" else 3

    @property
    def regular_weight(self) -> int:
        """The installed weight closest to 400."""
        return min(self.weights, key=lambda w: (abs(w - 400), w))

    @property
    def bold_weight(self) -> int:
        """The heaviest installed weight if it is bold (≥ 600), else the regular one."""
        heaviest = max(self.weights)
        return heaviest if heaviest >= 600 else self.regular_weight

    def properties(self, size: float, *, bold: bool = False) -> FontProperties:
        """Font properties for text of ``size`` points in this family."""
        weight = self.bold_weight if bold else self.regular_weight
        return FontProperties(family=self.family, size=size, weight=weight)

    def missing(self, texts: Iterable[str]) -> list[str]:
        """The characters of ``texts`` this font has no glyph for (whitespace ignored)."""
        cmap = _cmap(str(self.path), self.index)
        chars = {ch for text in texts for ch in text if not ch.isspace()}
        return sorted(ch for ch in chars if ord(ch) not in cmap)

    def check(self, texts: Iterable[str]) -> None:
        """Raise :class:`FontNotFoundError` if any character of ``texts`` has no glyph."""
        missing = self.missing(texts)
        if missing:
            raise FontNotFoundError(
                f"字体 {self.family} ({self.path}) 缺少字符 {''.join(missing)} "
                f"(font lacks glyphs) — {INSTALL_HINT}"
            )


@functools.lru_cache(maxsize=8)
def _cmap(path: str, index: int) -> frozenset[int]:
    with TTFont(path, fontNumber=index, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


@functools.lru_cache(maxsize=32)
def _outline(path: str, index: int) -> Outline | None:
    try:
        with TTFont(path, fontNumber=index, lazy=True) as font:
            if "glyf" in font:
                return "truetype"
            if "CFF " in font or "CFF2" in font:
                return "cff"
    except (OSError, TTLibError) as exc:
        log.info("cannot read font %s: %s", path, exc)
    return None


def _covers_probe(path: str, index: int) -> bool:
    try:
        cmap = _cmap(path, index)
    except (OSError, TTLibError):
        return False
    return all(ord(ch) in cmap for ch in PROBE_TEXT)


def find_cjk_font(
    entries: Iterable[FontEntry] | None = None,
    *,
    preferred: Sequence[str] | None = None,
) -> CjkFont:
    """Return the first installed CJK family of ``preferred``.

    Parameters
    ----------
    entries
        The fonts to choose from; default: every font matplotlib knows
        (``font_manager.fontManager.ttflist``). Tests pass an empty list.
    preferred
        Family names, best first; default: the ``DZGEO_CJK_FONT`` family if that variable
        is set, else :data:`PREFERRED_FAMILIES`.

    Raises
    ------
    FontNotFoundError
        No listed family is installed with the glyphs of Chinese place names.
    """
    if entries is None and preferred is None:
        return _default_font(cjk_font_family())
    return _find(
        font_manager.fontManager.ttflist if entries is None else entries,
        preferred or PREFERRED_FAMILIES,
    )


@functools.lru_cache(maxsize=4)
def _default_font(env_family: str) -> CjkFont:
    preferred = (env_family,) if env_family else PREFERRED_FAMILIES
    try:
        return _find(font_manager.fontManager.ttflist, preferred)
    except FontNotFoundError:
        # matplotlib's font cache may predate the font (installed after matplotlib first
        # ran): add the CJK fonts fontconfig reports, once, and look again.
        if not add_system_cjk_fonts():
            raise
        return _find(font_manager.fontManager.ttflist, preferred)


def add_system_cjk_fonts() -> list[str]:
    """Add to matplotlib the Chinese fonts it does not know yet; return their files.

    The candidates are what ``fc-list :lang=zh`` reports (fontconfig knows fonts
    installed after matplotlib built its cache), else every system font file.
    """
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    added = []
    for path in _fontconfig_cjk_files() or font_manager.findSystemFonts():
        if path in known or not path.lower().endswith((".ttf", ".otf", ".ttc", ".otc")):
            continue
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError) as exc:
            log.info("cannot add font %s: %s", path, exc)
            continue
        known.add(path)
        added.append(path)
    if added:
        log.info("added %d font file(s) missing from matplotlib's cache", len(added))
    return added


def _fontconfig_cjk_files() -> list[str]:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        done = subprocess.run(
            [fc_list, ":lang=zh", "file"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split(":", 1)[0].strip() for line in done.stdout.splitlines() if line})


def _find(entries: Iterable[FontEntry], preferred: Sequence[str]) -> CjkFont:
    by_family: dict[str, list[FontEntry]] = {}
    for entry in entries:
        by_family.setdefault(entry.name, []).append(entry)
    for family in preferred:
        usable = [
            e
            for e in by_family.get(family, [])
            if e.style == "normal"
            and _outline(e.fname, getattr(e, "index", 0)) is not None
            and _covers_probe(e.fname, getattr(e, "index", 0))
        ]
        if not usable:
            continue
        regular = min(usable, key=lambda e: abs(_weight(e) - 400))
        index = getattr(regular, "index", 0)
        font = CjkFont(
            family=family,
            path=Path(regular.fname),
            index=index,
            outline=_outline(regular.fname, index) or "cff",
            weights=tuple(sorted({_weight(e) for e in usable})),
        )
        log.info("CJK font: %s (%s, %s outlines)", family, font.path, font.outline)
        return font
    wanted = "、".join(preferred)
    raise FontNotFoundError(
        f"找不到可用的中文字体 (no CJK font found; looked for {wanted}) — {INSTALL_HINT}"
    )


def _weight(entry: FontEntry) -> int:
    weight = entry.weight
    if isinstance(weight, int):
        return weight
    return int(font_manager.weight_dict.get(str(weight), 400))
