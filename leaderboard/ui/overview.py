"""Leaderboard: one board as a ranked table, its protocol stated once above it."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from html import escape
from typing import Any

import streamlit as st

from eval_mm.leaderboard.boards import Board
from eval_mm.leaderboard.htmltable import render
from eval_mm.leaderboard.index import Snapshot
from eval_mm.leaderboard.table import AVERAGE, BoardView, ViewOptions, build_view, describe_average
from eval_mm.leaderboard.ui import url
from eval_mm.leaderboard.ui.controls import board_picker, model_filters

LEGEND = ("Hover a column header for its protocol and notes, a model for its metadata, a cell "
          "for n, CI and notes. Bold = best, underlined = second best (debugging models "
          "excluded). † = computed on part of the benchmark (--limit, an id list, a shard or a "
          "smaller --data copy). Italic = taken from a rounded copy of the snapshot.")
_CACHE: OrderedDict[tuple[Any, ...], tuple[BoardView, str]] = OrderedDict()


def cached_view(snap: Snapshot, board: Board, opts: ViewOptions, show_n: bool,
                show_ci: bool) -> tuple[BoardView, str]:
    """The view and its HTML, built once per store state, board and options."""
    key = (snap.key, board.id, opts.key(), show_n, show_ci)
    if key not in _CACHE:
        view = build_view(board, opts)
        _CACHE[key] = (view, render(view, show_n, show_ci))
        while len(_CACHE) > 32:
            _CACHE.popitem(last=False)
    _CACHE.move_to_end(key)
    return _CACHE[key]


def protocol_html(board: Board) -> str:
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>"
                   for k, v in board.protocol)
    return ("<style>.proto{font-size:12.5px;color:#444;border-collapse:collapse;margin:0 0 4px}"
            ".proto th{text-align:left;font-weight:600;padding:1px 12px 1px 0;vertical-align:top;"
            "white-space:nowrap}.proto td{padding:1px 0}</style>"
            f'<table class="proto">{rows}</table>')


def sort_options(board: Board, opts: ViewOptions) -> dict[str, str]:
    from eval_mm.leaderboard.table import shown_columns

    out = {AVERAGE: "Average"}
    out.update({c.key: f"{c.short} · {c.metric}" for c in shown_columns(board, opts)})
    return out


def render_page(snap: Snapshot) -> None:
    board = board_picker(snap)
    if board is None:
        st.info(f"No results in {snap.root} and no reference files. Run "
                "`eval-mm run --model ... --task ...` first.")
        return
    opts = model_filters(board)
    st.subheader(board.title)
    st.html(protocol_html(board))
    c1, c2, c3, _ = st.columns([2, 1, 1, 2], vertical_alignment="bottom")
    options = sort_options(board, opts)
    url.choose("sort", list(options), AVERAGE)
    c1.selectbox("Sort by", list(options), key="sort", format_func=options.__getitem__)
    url.default("show_n")
    c2.toggle("Show n", key="show_n", help="items scored per cell (local runs)")
    url.default("show_ci")
    c3.toggle("Show 95% CI", key="show_ci")
    opts = replace(opts, sort=str(st.session_state["sort"]))
    view, html = cached_view(snap, board, opts, bool(st.session_state["show_n"]),
                             bool(st.session_state["show_ci"]))
    if not view.models:
        st.info("No model on this board matches the filters.")
        return
    st.html(html)
    st.caption(f"{len(view.models)} models × {len(view.columns)} columns. "
               + describe_average(view))
    st.caption(LEGEND)
    exports(view)


def exports(view: BoardView) -> None:
    from eval_mm.leaderboard.export import to_csv, to_latex, to_markdown, view_frame

    c1, c2, c3 = st.columns(3)
    stem = view.board.id
    c1.download_button("Export CSV", lambda: to_csv(view_frame(view, full=True)),
                       f"{stem}.csv", "text/csv")
    c2.download_button("Export Markdown", lambda: to_markdown(view_frame(view)),
                       f"{stem}.md", "text/markdown")
    c3.download_button("Export LaTeX", lambda: to_latex(view_frame(view)), f"{stem}.tex",
                       "application/x-tex")
