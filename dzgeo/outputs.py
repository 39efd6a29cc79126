"""Writing output files whole or not at all, and never over what must not be replaced.

* :func:`check_target` refuses a target that is not a regular file or a new path (a
  device such as ``/dev/full``, a pipe, a folder) and a read-only file — even for root,
  who may write anything — with one Chinese-first line naming the fix.
* :func:`write_atomic` writes a temporary file beside the target and renames it into
  place. Temporary names carry the writer's process id (``.NAME.dzgeo-PID.part``): a
  run removes the ones whose process is gone (left by a SIGKILL), and
  :func:`cleanup_on_signals` removes the live ones when SIGTERM, SIGHUP or SIGINT
  arrives, then ends the process with exit code 128 + the signal's number.
* :func:`temporary_dir` is the same for a staging folder (``dzgeo build``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import shutil
import signal
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from dzgeo.errors import ExportError, shorten

log = logging.getLogger(__name__)

__all__ = [
    "TEMP_MARK",
    "check_target",
    "cleanup_on_signals",
    "remove_stale_temporaries",
    "temporary_dir",
    "write_atomic",
]

#: Marks every temporary file or folder dzgeo makes: ``.<name>.dzgeo-<pid>.part``.
TEMP_MARK = ".dzgeo-"
_TEMP_NAME = re.compile(r"^\..*\.dzgeo-(\d+)(?:-[0-9a-f]+)?\.part$")
#: Temporaries of this process, removed when a signal ends it.
_LIVE: set[Path] = set()
SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name)
)


def check_target(path: str | Path, *, what: str = "输出文件") -> Path:
    """``path`` if a file may be written there: a new path or a writable regular file.

    A symbolic link is followed to the file it names. Raises :class:`ExportError`.
    """
    path = Path(path)
    shown = shorten(path)
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        info = None
    except OSError as exc:
        raise ExportError(f"{shown}: 无法访问{what} ({exc.strerror}) — 请换一个路径") from exc
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise ExportError(
                f"{shown}: 这是一个文件夹，不是{what} (is a folder) — 请给出文件名，如 map.png"
            )
        if not stat.S_ISREG(info.st_mode):
            raise ExportError(
                f"{shown}: 不是普通文件（设备、管道或套接字）(not a regular file) — "
                "请写到普通文件，如 map.png"
            )
        if not info.st_mode & 0o222 or not os.access(path, os.W_OK):
            raise ExportError(
                f"{shown}: {what}是只读的 (read-only file) — 请换一个文件名，或先取消只读属性"
            )
        path = path.resolve()
    folder = path.parent
    if not folder.is_dir():
        raise ExportError(
            f"{shown}: 输出目录 {shorten(folder)} 不存在或不是目录 (output folder missing) — "
            "请先创建该目录 (create it first or choose another output path)"
        )
    if not os.access(folder, os.W_OK | os.X_OK) or not folder.stat().st_mode & 0o222:
        raise ExportError(
            f"{shown}: 输出目录 {shorten(folder)} 不可写 (folder not writable) — "
            "请换一个可写的目录或修改权限 (choose a folder you can write to)"
        )
    return path


def _temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}.part")


def write_atomic(path: str | Path, data: bytes, *, what: str = "输出文件") -> Path:
    """Write ``data`` to ``path`` whole or not at all; return the path written.

    The target is checked first (:func:`check_target`); stale temporaries in its folder
    are removed. A failure or a signal leaves neither a temporary file nor a changed old
    file behind. Raises :class:`ExportError` when the file cannot be written.
    """
    path = check_target(path, what=what)
    remove_stale_temporaries(path.parent)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
    tmp = _temp_name(path)
    try:
        _LIVE.add(tmp)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(
            f"{shorten(path)}: 无法写入 (cannot write: {exc.strerror or exc}) — "
            "请检查磁盘空间和权限，或换一个目录"
        ) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        _LIVE.discard(tmp)
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def temporary_dir(beside: Path) -> Iterator[Path]:
    """A staging folder next to ``beside`` (same file system), removed on any exit."""
    remove_stale_temporaries(beside.parent)
    folder = beside.with_name(f".{beside.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}.part")
    try:
        _LIVE.add(folder)
        folder.mkdir(mode=0o700)
    except OSError as exc:
        _LIVE.discard(folder)
        raise ExportError(
            f"{shorten(beside)}: 无法在 {shorten(beside.parent)} 中创建临时目录 "
            f"(cannot create a staging folder: {exc.strerror or exc}) — "
            "请检查该目录的权限和磁盘空间"
        ) from exc
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        _LIVE.discard(folder)


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove dzgeo temporaries in ``folder`` whose writing process no longer exists."""
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if not match or _alive(int(match.group(1))):
            continue
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        except OSError:
            continue
        log.info("removed %s, left by an interrupted run", entry)
        removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_live() -> None:
    for path in list(_LIVE):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                path.unlink()


def _on_signal(signum: int, frame: FrameType | None) -> None:
    """Remove this run's temporaries, say so in one line and end the process at once.

    Not by raising an exception: a signal may land inside a weakref callback or a
    ``__del__``, where Python prints the exception as "Exception ignored …" with a
    traceback and carries on. Every temporary is registered in ``_LIVE``, the layers swap
    is one ``renameat2`` and an open database transaction rolls back when the process
    ends, so nothing needs the interrupted code's ``finally`` blocks.
    """
    for other in SIGNALS:  # a second signal must not interrupt the clean-up
        signal.signal(other, signal.SIG_IGN)
    _remove_live()
    command = " ".join(["dzgeo", *sys.argv[1:2]])
    with contextlib.suppress(OSError):
        os.write(2, f"{command}: 已中断 (interrupted)\n".encode())
    os._exit(128 + signum)


def cleanup_on_signals() -> None:
    """On SIGTERM, SIGHUP or SIGINT: remove this run's temporaries and exit 128 + signal.

    Call once from the main thread of a command (the CLI does).
    """
    for signum in SIGNALS:
        signal.signal(signum, _on_signal)
