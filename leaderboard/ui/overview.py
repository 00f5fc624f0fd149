"""Leaderboard: one board as a ranked table, its protocol stated once above it."""

from __future__ import annotations

import threading
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
from eval_mm.leaderboard.ui.controls import board_view_controls

LEGEND = ("Hover a column header for its protocol and notes, a model for its metadata, a cell "
          "for n, CI and notes. Bold = best, underlined = second best (debugging models "
          "excluded). † = computed on part of the benchmark (--limit, an id list, a shard or a "
          "smaller --data copy). Italic = taken from a rounded copy of the snapshot.")
# Rows per page: about what the table's window shows at 1000 px height. The browser's work
# (sanitising, parsing, layout) grows with the rows: 25 draw at once, 200 take seconds.
PAGE_ROWS = 25
_CACHE: OrderedDict[tuple[Any, ...], tuple[BoardView, str]] = OrderedDict()
_CACHE_LOCK = threading.Lock()  # sessions run in threads of one process


def cached_view(snap: Snapshot, board: Board, opts: ViewOptions, show_n: bool,
                show_ci: bool, page: int = 0) -> tuple[BoardView, str]:
    """The view and the HTML of one page of it, built once per store state, board,
    options and page."""
    key = (snap.key, board.id, opts.key(), show_n, show_ci, page)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    view = build_view(board, opts)
    rows = slice(None) if page < 0 else slice(page * PAGE_ROWS, (page + 1) * PAGE_ROWS)
    notes = (f"{len(view.models)} models × {len(view.columns)} columns. "
             + describe_average(view) + " " + LEGEND)
    built = (view, render(view, show_n, show_ci, rows)
             + f'<p class="lb-notes">{escape(notes)}</p>')
    with _CACHE_LOCK:
        _CACHE[key] = built
        while len(_CACHE) > 32:
            _CACHE.popitem(last=False)
    return built


ALWAYS_SHOWN = ("Source", "Judge", "Judge prompts", "Judge prompt")


def protocol_html(board: Board, title: bool = False, folded: bool = True) -> str:
    """The board's protocol as a small table: source (linked), judge and judge prompts in
    view, the rest (generation, notes, comparability) one click away in a <details>."""
    link = dict(board.protocol).get("Link", "")

    def row(k: str, v: str) -> str:
        text = escape(v)
        if k == "Source" and link.startswith("https://"):
            text = (f'<a href="{escape(link)}" target="_blank" rel="noopener noreferrer">'
                    f"{text}</a>")
        return f"<tr><th>{escape(k)}</th><td>{text}</td></tr>"

    lines = [(k, v) for k, v in board.protocol if not (folded and k == "Link")]
    top = "".join(row(k, v) for k, v in lines if not folded or k in ALWAYS_SHOWN)
    rest = "".join(row(k, v) for k, v in lines if folded and k not in ALWAYS_SHOWN)
    more = (f'<details><summary>Generation, notes and comparability</summary>'
            f'<table class="proto">{rest}</table></details>') if rest else ""
    head = f"<h3 class='board-title'>{escape(board.title)}</h3>" if title else ""
    return ("<style>.proto{font-size:12.5px;color:#444;border-collapse:collapse;margin:0 0 2px}"
            ".proto th{text-align:left;font-weight:600;padding:1px 12px 1px 0;vertical-align:top;"
            "white-space:nowrap;width:8.5em}.proto td{padding:1px 0}.board-title{margin:0 0 6px;"
            "font-size:1.5rem;font-weight:600}details{font-size:12.5px;color:#444;margin:0 0 4px}"
            "summary{cursor:pointer;color:#1f5fa8}</style>"
            f'{head}<table class="proto">{top}</table>{more}')


def sort_options(board: Board, opts: ViewOptions, average: bool = True) -> dict[str, str]:
    from eval_mm.leaderboard.table import shown_columns

    out = {AVERAGE: "Average"} if average else {}
    out.update({c.key: f"{c.short} · {c.metric}" for c in shown_columns(board, opts)})
    return out


def _page_options(n: int) -> dict[int, str]:
    if n <= PAGE_ROWS:
        return {0: f"all {n}"}
    pages = {i: f"{i * PAGE_ROWS + 1}–{min(n, (i + 1) * PAGE_ROWS)}"
             for i in range(-(-n // PAGE_ROWS))}
    return pages | {-1: f"all {n}"}


SHOW = {"all": "All metrics", "n": "n", "ci": "95% CI"}


def render_page(snap: Snapshot) -> None:
    chosen = board_view_controls(snap, f"No results in {snap.root} and no reference files. "
                                 "Run `eval-mm run --model ... --task ...` first.")
    if chosen is None:
        return
    board, opts = chosen
    # Few elements, and the table's captions inside its own HTML: the page draws sooner.
    st.html(protocol_html(board, title=True))
    c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
    shown = set(st.session_state.get("show") or [])
    probe = cached_view(snap, board, replace(opts, sort=AVERAGE, all_metrics="all" in shown),
                        False, False, -1)[0]
    options = sort_options(board, replace(opts, all_metrics="all" in shown),
                           bool(probe.average))
    url.choose("sort", list(options), AVERAGE)
    c1.selectbox("Sort by", list(options), key="sort", format_func=options.__getitem__)
    url.default("show")
    c2.segmented_control("Show", list(SHOW), key="show", selection_mode="multi",
                         format_func=SHOW.__getitem__,
                         help="All metrics: every metric of the board, not only each task's "
                              "primary one; n: items scored per cell; 95% CI: the bootstrap "
                              "interval per cell (local runs)")
    shown = set(st.session_state["show"] or [])
    opts = replace(opts, sort=str(st.session_state["sort"]), all_metrics="all" in shown)
    show_n, show_ci = "n" in shown, "ci" in shown
    view, html = cached_view(snap, board, opts, show_n, show_ci, -1)
    if not view.models:
        st.info("No model on this board matches the filters.")
        return
    pages = _page_options(len(view.models))
    if len(pages) > 1:
        url.choose("page", list(pages), 0)
        c3.selectbox("Rows", list(pages), key="page", format_func=pages.__getitem__)
        page = int(st.session_state["page"])
        if page >= 0:
            view, html = cached_view(snap, board, opts, show_n, show_ci, page)
    st.html(html)
    with st.popover("Export this table"):
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
