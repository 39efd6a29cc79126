"""dzgeo: the spatial layout of Dezhou's 新旧动能转换 plan (2018–2022) as data and maps."""

__version__ = "0.1.0"
