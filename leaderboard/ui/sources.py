"""Sources: where every published board comes from, its protocol, and the notes of each of
its columns (the same text as the column tooltips)."""

from __future__ import annotations

from html import escape

import streamlit as st

from eval_mm.leaderboard.boards import PUBLISHED, Board
from eval_mm.leaderboard.index import Snapshot
from eval_mm.leaderboard.ui.overview import protocol_html

CSS = ("<style>.srccols{font-size:12.5px;border-collapse:collapse;margin:4px 0 18px}"
       ".srccols th,.srccols td{border-bottom:1px solid #eee;padding:2px 10px 2px 0;"
       "text-align:left;vertical-align:top}.srccols td.n{white-space:normal}</style>")


def columns_html(board: Board) -> str:
    head = ("<tr><th>Column</th><th>Task id</th><th>Metric</th><th>Scale</th><th>Models</th>"
            "<th>Judge and notes</th></tr>")
    rows = []
    for c in board.columns.values():
        n = sum(1 for (_, col) in board.cells if col == c.key)
        notes = "; ".join(d for d in c.details[1:])
        rows.append(f"<tr><td>{escape(c.short)}</td><td>{escape(c.task)}</td>"
                    f"<td>{escape(c.metric)}{' (primary)' if c.primary else ''}</td>"
                    f"<td>{escape(c.scale)}</td><td>{n}</td>"
                    f"<td class='n'>{escape(notes)}</td></tr>")
    return CSS + f"<table class='srccols'>{head}{''.join(rows)}</table>"


def render_page(snap: Snapshot) -> None:
    published = [b for b in snap.boards if b.kind == PUBLISHED]
    st.caption("Published numbers are copied exactly as their source prints them "
               "(results/reference/*.csv); their provenance is results/reference/sources.json. "
               "Each board is one snapshot under one protocol; never compare across boards. "
               "Evidence tags: [V] verified in source code, [D] documented, [I] inferred, "
               "[U] unknown.")
    if not published:
        st.info("No reference files found.")
        return
    for board in published:
        st.subheader(board.title)
        st.caption(f"{len(board.models)} models · {len(board.columns)} columns · "
                   f"{len(board.cells)} numbers · board id {board.id}")
        st.html(protocol_html(board, folded=False))
        st.html(columns_html(board))
