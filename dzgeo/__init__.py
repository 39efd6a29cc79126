"""dzgeo: the spatial layout of Dezhou's 新旧动能转换 plan (2018–2022) as data and maps."""

from importlib.metadata import PackageNotFoundError, version

try:
    #: The installed distribution's version: pyproject.toml's ``version`` is the one source.
    __version__ = version("dzgeo")
except PackageNotFoundError:  # a bare checkout on sys.path, never installed
    __version__ = "0+unknown"
