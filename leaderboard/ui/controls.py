"""Sidebar controls shared by the board views: which board, which models."""

from __future__ import annotations

import streamlit as st

from eval_mm.leaderboard.boards import LOCAL, Board
from eval_mm.leaderboard.index import Snapshot
from eval_mm.leaderboard.table import AVERAGE, ViewOptions
from eval_mm.leaderboard.ui import url

ACCESS = {"open": "open weights", "api": "API only", "unknown": "not recorded"}


def board_picker(snap: Snapshot) -> Board | None:
    if not snap.boards:
        return None
    ids = [b.id for b in snap.boards]
    titles = {b.id: ("● " if b.kind == LOCAL else "") + b.title for b in snap.boards}
    url.choose("board", ids)
    st.sidebar.selectbox(
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
    sb = st.sidebar
    url.default("f_on")
    if not sb.toggle("Filter models", key="f_on", help="by name, size and type"):
        return ViewOptions(all_metrics=all_metrics(), sort=str(st.session_state.get("sort")
                                                               or AVERAGE))
    url.default("f_search")
    sb.text_input("Model name contains", key="f_search")
    # A range slider keeps its range only when given `value`; its widget key mirrors the
    # persistent "f_size" (which the URL fills) instead of sharing it.
    current = tuple(url.default("f_size"))
    sb.select_slider("Parameters (billions)", options=url.SIZE_STOPS, value=current,
                     key="w_f_size", on_change=_copy_size,
                     help="Total parameters as the model card states them")
    url.default("f_unknown")
    sb.toggle("Include models of unknown size", key="f_unknown")
    url.default("f_type")
    sb.multiselect("Type", list(ACCESS), key="f_type", format_func=ACCESS.__getitem__,
                   placeholder="all types")
    if any(m.debug for m in board.models.values()):
        url.default("f_debug")
        sb.toggle("Show debugging models (oracle, echo-prompt)", key="f_debug")
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
