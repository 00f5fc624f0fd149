"""Streamlit entry script: `eval-mm leaderboard` serves this file.

The result folder comes from the EVAL_MM_RESULTS_DIR environment variable (default
`results`). The view, the board and the filters are in the query string, so every screen
has a shareable address (`?view=compare&board=...&a=...&b=...`).
"""

from __future__ import annotations

import streamlit as st

from eval_mm.leaderboard.ui import (
    compare,
    overview,
    pareto,
    provenance,
    samples,
    sources,
    task,
    url,
)
from eval_mm.leaderboard.ui.controls import reserve
from eval_mm.leaderboard.ui.state import show_warnings, store

PAGES = {
    url.VIEWS["overview"]: overview.render_page,
    url.VIEWS["compare"]: compare.render_page,
    url.VIEWS["pareto"]: pareto.render_page,
    url.VIEWS["task"]: task.render_page,
    url.VIEWS["samples"]: samples.render,
    url.VIEWS["run"]: provenance.render,
    url.VIEWS["sources"]: sources.render_page,
}
# Use the width: the default wide layout pads 5rem on each side.
PAGE_CSS = ("<style>.block-container{padding-left:1.5rem;padding-right:1.5rem;"
            "padding-top:2.6rem}</style>")


def main() -> None:
    st.set_page_config(page_title="eval-mm leaderboard", layout="wide")
    st.html(PAGE_CSS)
    url.restore()
    snap = store()
    url.default("view")
    url.choose("view", list(PAGES), url.VIEWS["overview"])
    c_view, c_board, c_filter = st.columns([1.2, 3.3, 1.0], vertical_alignment="bottom")
    # A selectbox, like the board picker: one widget kind fewer for the browser to load.
    view = c_view.selectbox("View", list(PAGES), key="view")
    reserve(c_board, c_filter)
    show_warnings(snap.warnings)
    PAGES[view](snap)
    st.caption(f"Results: {snap.root} · {len(snap.runs)} runs · {len(snap.boards)} boards. "
               "New and changed runs appear by themselves within seconds.")
    url.publish()


main()
