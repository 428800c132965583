"""A check worker's side of the pool: a process of its own that reads one check at a time from a
pipe, runs it and writes its outcome back (``serve``), and how it is stopped with everything it
started.

Messages are pickles framed as ``multiprocessing.Connection`` frames them (a 4-byte big-endian
length, then the bytes), so the worker uses a plain ``Connection`` and the bot reads and writes
the same frames on its event loop (``pool.py``), with no thread in between.
"""

from __future__ import annotations

import ctypes
import gc
import os
import pickle
import resource
import signal
import struct
from pathlib import Path
from typing import Any

PARENT_ENV = "NIANBAO_POOL_PARENT"  # the bot's pid, for the forkserver (see lifeline.py)
PR_SET_PDEATHSIG = 1
HEADER = struct.Struct("!i")  # multiprocessing.Connection's length header
LONG_HEADER = struct.Struct("!Q")  # after a header of -1: a message over 2 GiB


def frame(message: bytes) -> bytes:
    """``message`` as ``Connection.recv_bytes`` reads it."""
    if len(message) > 0x7FFFFFFF:
        return HEADER.pack(-1) + LONG_HEADER.pack(len(message)) + message
    return HEADER.pack(len(message)) + message


def unframe(buffer: bytearray) -> bytes | None:
    """The first whole message in ``buffer``, removed from it; None while it is incomplete."""
    if len(buffer) < HEADER.size:
        return None
    (size,) = HEADER.unpack_from(buffer)
    start = HEADER.size
    if size == -1:
        if len(buffer) < HEADER.size + LONG_HEADER.size:
            return None
        (size,) = LONG_HEADER.unpack_from(buffer, HEADER.size)
        start += LONG_HEADER.size
    if len(buffer) < start + size:
        return None
    message = bytes(buffer[start : start + size])
    del buffer[: start + size]
    return message


def serve(tasks: Any, results: Any, megabytes: int, bot_pid: int) -> None:
    """A worker's life (``tasks``, ``results``: its ends of two pipes): each check read, run, and
    its outcome, ``("done", value)`` or ``("failed", why)``, written back; until the bot closes
    its end."""
    _start_worker(megabytes, bot_pid)
    while True:
        try:
            task = tasks.recv_bytes()
        except (EOFError, OSError):
            return
        outcome = _outcome(task)
        try:
            message = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # noqa: BLE001 - a result that does not pickle is a failed check
            message = pickle.dumps(("failed", f"the result cannot be sent back: {type(error).__name__}"))
        results.send_bytes(message)


def _outcome(task: bytes) -> tuple[str, Any]:
    try:
        function, args, kwargs = pickle.loads(task)
        return "done", function(*args, **kwargs)
    except MemoryError:
        return "failed", "out of memory"
    except Exception as error:  # noqa: BLE001 - anything at all must come back as a result
        # as text: not every exception pickles (lxml's carry their error log)
        return "failed", f"{type(error).__name__}: {error}"


def _start_worker(megabytes: int, bot_pid: int) -> None:
    # the engine the forkserver imported lives as long as the worker: out of the garbage
    # collector's way, so that the full collections a burst of checks sets off walk only what
    # the checks made (they cost the worker ~0.2 ms a draft)
    gc.freeze()
    if megabytes:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGTERM, _end_with_children)
    die_with_parent(signal.SIGTERM)
    if not _alive(bot_pid):  # the bot died before the line above took effect
        _end_with_children()


def die_with_parent(signum: int) -> bool:
    """Ask Linux to send ``signum`` to this process when its parent ends (prctl
    PR_SET_PDEATHSIG); False where that is not available."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _end_with_children(signum: int | None = None, frame: object = None) -> None:
    """A worker whose forkserver died (or that is told to end): kill what it started
    (LibreOffice), then end."""
    _kill(descendants([os.getpid()]))
    os._exit(1)


def end_process(process: Any) -> None:
    """Kill a worker (a ``multiprocessing.Process``) and everything it started, and wait for it to
    be gone (blocking: in a thread)."""
    if process.pid:
        kill_trees([process.pid])
    process.join(10)
    if process.exitcode is not None:
        process.close()


def kill_trees(pids: list[int]) -> None:
    """Kill ``pids`` and every process below them, children first: they would outlive their
    parent (a LibreOffice conversion runs in a session of its own)."""
    if pids:  # (looking for descendants reads every process's entry in /proc)
        _kill(descendants(pids) + pids)


def _kill(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def descendants(roots: list[int]) -> list[int]:
    """Every process below ``roots`` (Linux /proc; elsewhere none are found)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, rest = stat.read_text().split(" (", 1)
            parent = int(rest.rsplit(") ", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(pid))
    found: list[int] = []
    pending = list(roots)
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found
