"""Controls shared by the board views, in the header row above the page: which board,
which models. (No sidebar: the table gets the whole width, and the page draws sooner.)"""

from __future__ import annotations

import threading
from typing import Any

import streamlit as st

from eval_mm.leaderboard.boards import LOCAL, Board
from eval_mm.leaderboard.index import Snapshot
from eval_mm.leaderboard.table import AVERAGE, BoardView, ViewOptions, build_view
from eval_mm.leaderboard.ui import url

ACCESS = {"open": "open weights", "api": "API only", "unknown": "not recorded"}
# Header cells the app reserves for the board picker and the filter switch; per thread,
# since every session's script runs in its own thread.
_SLOTS = threading.local()


def reserve(board: Any, filters: Any) -> None:
    """Called by the app before a view draws: where the board picker and the filter switch
    go."""
    _SLOTS.board, _SLOTS.filters = board, filters


def board_picker(snap: Snapshot) -> Board | None:
    if not snap.boards:
        return None
    ids = [b.id for b in snap.boards]
    titles = {b.id: ("● " if b.kind == LOCAL else "") + b.title for b in snap.boards}
    url.choose("board", ids)
    getattr(_SLOTS, "board", st).selectbox(
        "Board", ids, key="board", format_func=titles.__getitem__,
        help="One protocol per board: a published snapshot, or your local runs under one "
             "judge and generation profile (● marks local boards). Numbers of different "
             "boards are never mixed.")
    return snap.board(st.session_state["board"])


def all_metrics() -> bool:
    """The table's "All metrics" choice (off: the primary metric of each task)."""
    return "all" in (st.session_state.get("show") or [])


def _copy_size() -> None:
    st.session_state["f_size"] = tuple(st.session_state["w_f_size"])


def model_filters(board: Board) -> ViewOptions:
    """Filters by name, size and type, drawn only once asked for (the page opens faster)."""
    url.default("f_on")
    if not getattr(_SLOTS, "filters", st).toggle("Filter models", key="f_on",
                                                 help="by name, size and type"):
        return ViewOptions(all_metrics=all_metrics(), sort=str(st.session_state.get("sort")
                                                               or AVERAGE))
    c1, c2, c3, c4 = st.columns([2, 2, 2, 2], vertical_alignment="bottom")
    url.default("f_search")
    c1.text_input("Model name contains", key="f_search")
    # A range slider keeps its range only when given `value`; its widget key mirrors the
    # persistent "f_size" (which the URL fills) instead of sharing it.
    current = tuple(url.default("f_size"))
    c2.select_slider("Parameters (billions)", options=url.SIZE_STOPS, value=current,
                     key="w_f_size", on_change=_copy_size,
                     help="Total parameters as the model card states them")
    url.default("f_type")
    c3.multiselect("Type", list(ACCESS), key="f_type", format_func=ACCESS.__getitem__,
                   placeholder="all types")
    url.default("f_unknown")
    c4.toggle("Include models of unknown size", key="f_unknown")
    if any(m.debug for m in board.models.values()):
        url.default("f_debug")
        c4.toggle("Show debugging models", key="f_debug",
                  help="oracle, echo-prompt: test doubles, not real models")
    lo, hi = st.session_state["f_size"]
    size = None if (lo, hi) == (url.SIZE_STOPS[0], url.SIZE_STOPS[-1]) else (
        float(lo), float("inf") if hi == "∞" else float(hi))
    return ViewOptions(
        all_metrics=all_metrics(),
        search=str(st.session_state["f_search"]).strip(),
        size=size,
        include_unknown_size=bool(st.session_state["f_unknown"]),
        access=frozenset(st.session_state["f_type"]),
        show_debug=bool(st.session_state.get("f_debug", True)),
        sort=str(st.session_state.get("sort") or AVERAGE),
    )


def board_view_controls(snap: Snapshot, empty: str) -> tuple[Board, ViewOptions] | None:
    """The board picker and the model filters of a board view; None (after saying
    `empty`) when there is no board."""
    board = board_picker(snap)
    if board is None:
        st.info(empty)
        return None
    return board, model_filters(board)


def filtered_view(snap: Snapshot, empty: str) -> tuple[Board, BoardView] | None:
    """`board_view_controls`, and the chosen board's view under the chosen filters."""
    chosen = board_view_controls(snap, empty)
    return None if chosen is None else (chosen[0], build_view(*chosen))
