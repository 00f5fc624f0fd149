"""What every view shares: the current snapshot of the result store, the chosen board,
per-run sample data (cached), and warnings."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from eval_mm.leaderboard.boards import Board
from eval_mm.leaderboard.index import Snapshot, open_index
from eval_mm.leaderboard.runs import Run
from eval_mm.leaderboard.samples import SampleView, load_samples

RESULTS_ENV = "EVAL_MM_RESULTS_DIR"
Store = Snapshot  # the views' name for it


def results_dir() -> Path:
    return Path(os.environ.get(RESULTS_ENV, "results"))


def store() -> Snapshot:
    """The latest snapshot; never waits for a re-read of the store (see StoreIndex)."""
    return open_index(results_dir()).current()


def current_board(snap: Snapshot) -> Board | None:
    board_id = st.session_state.get("board")
    board = snap.board(board_id) if board_id else None
    return board or (snap.boards[0] if snap.boards else None)


@st.cache_resource(show_spinner=False, max_entries=8)
def _samples(run_dir: str, key: tuple[tuple[str, int, int], ...]) -> tuple[
        list[SampleView], list[str]]:
    return load_samples(Path(run_dir))


def samples(run: Run) -> tuple[list[SampleView], list[str]]:
    """The run's samples, re-read when any of its JSONL files changes."""
    stamp = []
    for p in sorted(run.path.rglob("*.jsonl")):
        st_ = p.stat()
        stamp.append((p.name, st_.st_mtime_ns, st_.st_size))
    return _samples(str(run.path), tuple(stamp))


def show_warnings(warnings: list[str]) -> None:
    """Visible, but compact when there are many."""
    if not warnings:
        return
    if len(warnings) <= 3:
        for w in warnings:
            st.warning(w, icon="⚠️")
        return
    st.warning(f"{len(warnings)} problems while reading results; what could not be read was "
               "skipped.", icon="⚠️")
    with st.expander("Details"):
        st.text("\n".join(warnings))


def run_label(run: Run) -> str:
    tag = " [debugging model]" if run.debug else ""
    return f"{run.model_id}{tag} · {run.task_id} · {run.config_id}"


def debug_caption(run: Run) -> str:
    """What the debugging model does, from its own card (oracle: the reference;
    echo-prompt: the prompt)."""
    note = str(run.model.get("note") or "").strip()
    what = note.split(":", 1)[1].strip() if note.startswith("debugging model:") else note
    return (f"Debugging model {run.model_id}: it {what or 'is a test double'}; it is not a real "
            "model, its numbers only check the metrics.")
