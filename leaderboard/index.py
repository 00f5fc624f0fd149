"""The precomputed leaderboard of one results folder, kept fresh without re-parsing.

`StoreIndex` holds the parsed runs and the built boards (a `Snapshot`). A refresh stats
every run's card and summary and re-reads only the runs whose files changed; the boards
are rebuilt only when something changed. The state is saved to a cache file keyed by
those file signatures and by the leaderboard's code, so a server that restarts on an
unchanged store parses nothing. Page views never wait for a refresh: they take the current
snapshot, and a check runs in the background at most every `max_age` seconds.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval_mm.leaderboard.boards import Board
from eval_mm.leaderboard.local import local_boards
from eval_mm.leaderboard.reference import (
    default_reference_dirs,
    load_reference,
    load_sources,
    published_boards,
)
from eval_mm.leaderboard.runs import Run, Signature, load_run, scan_store
from eval_mm.models.info import ModelInfo, load_user_info

INFO_ENV = "EVAL_MM_MODELS_INFO"  # set by `eval-mm leaderboard --models-info`
INFO_FILE = "models.json"  # default: beside the runs, in the results folder
CACHE_ENV = "EVAL_MM_CACHE_DIR"
REFRESH_ENV = "EVAL_MM_LEADERBOARD_REFRESH_S"  # seconds between checks for changed runs
FORMAT = 1  # bump when the pickled structures change shape
BACKGROUND_DELAY = 1.0  # seconds
_OPEN: dict[str, StoreIndex] = {}
_OPEN_LOCK = threading.Lock()


def open_index(root: Path) -> StoreIndex:
    """The one index of `root` in this process (built or loaded on first use)."""
    key = str(root.resolve())
    with _OPEN_LOCK:
        if key not in _OPEN:
            _OPEN[key] = StoreIndex(Path(key))
        return _OPEN[key]


@dataclass
class Snapshot:
    root: Path
    runs: list[Run]
    boards: list[Board]
    warnings: list[str] = field(default_factory=list)
    key: str = ""  # changes whenever anything shown changes

    def run(self, rel: str) -> Run | None:
        return next((r for r in self.runs if r.rel == rel), None)

    def board(self, board_id: str) -> Board | None:
        return next((b for b in self.boards if b.id == board_id), None)


def cache_dir() -> Path:
    base = os.environ.get(CACHE_ENV) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "eval-mm")
    return Path(base) / "leaderboard"


def code_tag() -> str:
    """Changes when the code that builds boards changes (file sizes and mtimes)."""
    import eval_mm
    import eval_mm.leaderboard as lb
    from eval_mm.models import info

    files = [*sorted(Path(lb.__file__).parent.glob("*.py")), Path(info.__file__)]
    sig = [(p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files]
    return hashlib.sha256(repr((FORMAT, eval_mm.__version__, sig)).encode()).hexdigest()[:16]


def _files_signature(paths: list[Path]) -> tuple[tuple[str, Signature], ...]:
    out: list[tuple[str, Signature]] = []
    for p in paths:
        try:
            st = p.stat()
            out.append((str(p), (st.st_mtime_ns, st.st_size)))
        except OSError:
            out.append((str(p), None))
    return tuple(out)


class StoreIndex:
    def __init__(self, root: Path, info_path: Path | None = None,
                 max_age: float | None = None) -> None:
        self.root = root.resolve()
        self.info_path = info_path or Path(os.environ.get(INFO_ENV) or self.root / INFO_FILE)
        self.max_age = max_age if max_age is not None else float(
            os.environ.get(REFRESH_ENV) or 5.0)
        self._lock = threading.Lock()
        self._parsed: dict[str, tuple[tuple[Signature, Signature], Run | None, list[str]]] = {}
        self._side_key: Any = None  # reference files + metadata file signatures
        self._published: list[Board] = []
        self._side_warnings: list[str] = []
        self._user: dict[str, ModelInfo] = {}
        self._checked = 0.0
        self._checking = False
        self.snapshot: Snapshot | None = None
        self._cache_file = cache_dir() / (
            hashlib.sha256(str(self.root).encode()).hexdigest()[:24] + ".pkl")
        self._load_cache()

    # --- public ---------------------------------------------------------------------
    def current(self) -> Snapshot:
        """The latest snapshot (built now on the very first call without a cache), and a
        background check for changes when the last one is older than `max_age`."""
        if self.snapshot is None:
            self.refresh()
        elif time.monotonic() - self._checked > self.max_age and not self._checking:
            self._checking = True
            # Started a moment later, so that the page being served is not slowed by it.
            timer = threading.Timer(BACKGROUND_DELAY, self._background)
            timer.daemon = True
            timer.start()
        assert self.snapshot is not None
        return self.snapshot

    def refresh(self) -> bool:
        """Re-read what changed; True when the snapshot changed."""
        with self._lock:
            self._checked = time.monotonic()
            changed = self._refresh_side()
            seen = scan_store(self.root)
            for folder in [f for f in self._parsed if f not in seen]:
                del self._parsed[folder]
                changed = True
            for folder, sig in seen.items():
                old = self._parsed.get(folder)
                if old is None or old[0] != sig:
                    run, warnings = load_run(Path(folder), self.root)
                    self._parsed[folder] = (sig, run, warnings)
                    changed = True
            if changed or self.snapshot is None:
                self.snapshot = self._build()
                self._save_cache()
            return changed

    # --- internals ------------------------------------------------------------------
    def _background(self) -> None:
        try:
            self.refresh()
        finally:
            self._checking = False

    def _user_info(self) -> tuple[dict[str, ModelInfo], list[str]]:
        if not self.info_path.is_file():
            return {}, []
        try:
            return load_user_info(self.info_path), []
        except Exception as exc:  # a bad file is reported, the board still shows
            return {}, [str(exc)]

    def _refresh_side(self) -> bool:
        """Reference files and the metadata file: re-read when any of them changed."""
        dirs = default_reference_dirs(self.root)
        files = [p for d in dirs for p in sorted(d.glob("*.csv"))] + [
            d / "sources.json" for d in dirs]
        key = (_files_signature([*files, self.info_path]), code_tag())
        if key == self._side_key:
            return False
        info, info_warnings = self._user_info()
        ref, ref_warnings = load_reference(dirs)
        sources, src_warnings = load_sources(dirs)
        self._user = info
        self._published = published_boards(ref, sources, info)
        self._side_warnings = info_warnings + ref_warnings + src_warnings
        self._side_key = key
        return True

    def _build(self) -> Snapshot:
        runs = [r for _, r, _ in self._parsed.values() if r is not None]
        warnings = [w for _, _, ws in self._parsed.values() for w in ws]
        local, local_warnings = local_boards(runs, self._user)
        boards = local + self._published
        warnings += local_warnings + self._side_warnings
        for b in boards:
            warnings += b.warnings
        key = hashlib.sha256(repr((sorted((f, s) for f, (s, _, _) in self._parsed.items()),
                                   self._side_key)).encode()).hexdigest()[:16]
        return Snapshot(self.root, runs, boards, warnings, key)

    def _load_cache(self) -> None:
        try:
            with open(self._cache_file, "rb") as f:
                state = pickle.load(f)
            if state.get("tag") != code_tag() or state.get("root") != str(self.root):
                return
            self._parsed = state["parsed"]
            self._side_key, self._published = state["side_key"], state["published"]
            self._side_warnings, self._user = state["side_warnings"], state["user"]
            self.snapshot = state["snapshot"]
        except Exception:  # no cache, or one from other code: build afresh
            self._parsed, self.snapshot, self._side_key = {}, None, None

    def _save_cache(self) -> None:
        state = {"tag": code_tag(), "root": str(self.root), "parsed": self._parsed,
                 "side_key": self._side_key, "published": self._published,
                 "side_warnings": self._side_warnings, "user": self._user,
                 "snapshot": self.snapshot}
        try:
            self._cache_file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self._cache_file.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(state, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self._cache_file)
        except OSError:
            pass  # a read-only home only costs speed
