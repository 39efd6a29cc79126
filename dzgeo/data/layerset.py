"""A layers folder is one build: sealed by a manifest, published all at once.

``dzgeo build`` writes every layer into a staging folder beside the target, seals it
with ``MANIFEST.sha256`` (the SHA-256 of every file; the build id is the hash of that
list, so it comes from the content and a rebuild is byte-identical) and then swaps the
staging folder with the target in one atomic step (Linux ``renameat2`` exchange). A
build killed at any moment leaves the previous layers whole; :func:`verify` refuses a
folder whose files do not all belong to the build its manifest names.

The manifest is ``sha256sum``'s format, so GIS users can check it with
``sha256sum -c MANIFEST.sha256``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import logging
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from dzgeo.errors import DataValidationError, Problem, shorten

log = logging.getLogger(__name__)

__all__ = ["MANIFEST_NAME", "LayersMismatchError", "publish", "seal", "verify"]

MANIFEST_NAME = "MANIFEST.sha256"
_FIX = "请重新运行 `dzgeo build` 生成完整的图层 (run `dzgeo build`)"


class LayersMismatchError(DataValidationError):
    """A layers folder is incomplete, damaged or mixes files of different builds."""

    def __init__(self, folder: Path, message: str, where: str = "整个图层目录 (whole folder)"):
        super().__init__([Problem(shorten(folder), where, message, _FIX)])


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            sha.update(block)
    return sha.hexdigest()


def seal(folder: Path, names: Iterable[str]) -> str:
    """Write ``MANIFEST.sha256`` for ``names`` in ``folder``; return the build id."""
    lines = [f"{_digest(folder / name)}  {name}" for name in sorted(names)]
    build = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
    text = f"# dzgeo layers, build {build}: sha256sum -c {MANIFEST_NAME}\n" + "\n".join(lines)
    (folder / MANIFEST_NAME).write_text(text + "\n", encoding="utf-8")
    return build


def verify(folder: Path) -> str:
    """The build id of ``folder``; :class:`LayersMismatchError` unless every file of the
    manifest is there with the content it lists."""
    manifest = folder / MANIFEST_NAME
    try:
        text = manifest.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise LayersMismatchError(
            folder, f"缺少构建清单 {MANIFEST_NAME} (no build manifest)"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise LayersMismatchError(
            folder, f"无法读取构建清单 {MANIFEST_NAME} ({type(exc).__name__})"
        ) from exc
    header, *lines = text.splitlines()
    build = header.rsplit("build ", 1)[-1].split(":", 1)[0] if "build " in header else ""
    expected = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
    if build != expected:
        raise LayersMismatchError(folder, f"构建清单 {MANIFEST_NAME} 已损坏 (damaged manifest)")
    for line in lines:
        digest, _, name = line.partition("  ")
        path = folder / name
        try:
            actual = _digest(path)
        except FileNotFoundError as exc:
            raise LayersMismatchError(
                folder, f"缺少图层文件 {name} (missing layer)", where=name
            ) from exc
        except OSError as exc:
            raise LayersMismatchError(
                folder, f"无法读取图层文件 {name} ({exc.strerror or exc})", where=name
            ) from exc
        if actual != digest:
            raise LayersMismatchError(
                folder,
                f"图层文件 {name} 与构建 {build} 不符：已损坏，或来自另一次构建 "
                "(file damaged or from a different build)",
                where=name,
            )
    return build


def publish(staging: Path, target: Path) -> None:
    """Put the sealed ``staging`` folder at ``target`` in one step; the old folder ends up
    at ``staging`` (the caller removes it). Files in ``target`` that the build does not
    write (e.g. FIELDS.md) are copied over first."""
    if target.is_dir():
        for entry in target.iterdir():
            if not (staging / entry.name).exists() and entry.is_file():
                shutil.copy2(entry, staging / entry.name)
        staging.chmod(target.stat().st_mode & 0o7777)
        _fsync_tree(staging)
        if not _exchange(staging, target):
            log.warning("atomic folder exchange unavailable; replacing %s file by file", target)
            for entry in staging.iterdir():
                entry.replace(target / entry.name)
    else:
        staging.chmod(0o777 & ~_umask())
        _fsync_tree(staging)
        staging.rename(target)
    _fsync_dir(target.parent)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (38, 22, 95):  # ENOSYS, EINVAL, EOPNOTSUPP: the file system cannot
        return False
    raise OSError(errno, os.strerror(errno), str(b))


def _fsync_tree(folder: Path) -> None:
    for entry in folder.iterdir():
        if entry.is_file():
            fd = os.open(entry, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
