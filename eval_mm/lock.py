"""One writer per run folder: an OS file lock held for the life of the process.

The kernel releases an `flock` when its holder dies (even by SIGKILL), so a lock left by a
dead process is taken over by the next one without any clean-up; the lock file only says
who holds it, for the refusal message.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from pathlib import Path
from types import TracebackType
from typing import IO, ClassVar

from eval_mm.errors import UserError

LOCK_FILE = ".lock"


class RunLock:
    """`with RunLock(folder):` or `acquire()`/`release()`; re-entrant within a process."""

    _held: ClassVar[dict[str, RunLock]] = {}

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / LOCK_FILE
        self._file: IO[str] | None = None
        self._depth = 0
        self._outer: RunLock | None = None  # the instance that holds it, when nested

    def acquire(self) -> RunLock:
        key = str(self.folder.resolve())
        held = RunLock._held.get(key)
        if held is not None:
            held._depth += 1
            self._outer = held
            return self
        self.folder.mkdir(parents=True, exist_ok=True)
        f = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = _describe(f.read())
            f.close()
            raise UserError(
                f"{self.folder} is being written by {holder}; wait for it to finish or stop "
                "it (one process writes a run folder at a time)"
            ) from None
        f.seek(0)
        f.truncate()
        info = {"pid": os.getpid(), "host": socket.gethostname()}
        f.write(json.dumps(info) + "\n")
        f.flush()
        self._file = f
        self._depth = 1
        RunLock._held[key] = self
        return self

    def release(self) -> None:
        if self._outer is not None:
            self._outer.release()
            self._outer = None
            return
        self._depth -= 1
        if self._depth > 0 or self._file is None:
            return
        RunLock._held.pop(str(self.folder.resolve()), None)
        fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        self._file.close()
        self._file = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _describe(text: str) -> str:
    try:
        info = json.loads(text.strip().splitlines()[-1])
        return f"PID {info['pid']} on host {info['host']}"
    except (json.JSONDecodeError, IndexError, KeyError, TypeError):
        return "another process"
