"""Build hook: put the app and its data into the installed package.

``pip install .`` (not editable) copies app.py, .streamlit/, static/, geodata/ and
layers/ into ``dzgeo/_app/`` of the wheel, where :mod:`dzgeo.settings` finds them; an
editable install uses the checkout itself. Everything else is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
APP_FILES = ("app.py",)
APP_FOLDERS = (".streamlit", "static", "geodata", "layers")


class BuildWithApp(build_py):
    """build_py that also copies the app and its data next to the package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "dzgeo" / "_app"
        target.mkdir(parents=True, exist_ok=True)
        for name in APP_FILES:
            shutil.copy2(HERE / name, target / name)
        for name in APP_FOLDERS:
            shutil.copytree(
                HERE / name,
                target / name,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".dzgeo-*"),
            )


setup(cmdclass={"build_py": BuildWithApp})
