"""Score against model size on one board, with the Pareto front."""

from __future__ import annotations

import streamlit as st

from eval_mm.leaderboard.charts import Point, pareto_chart, pareto_front
from eval_mm.leaderboard.index import Snapshot
from eval_mm.leaderboard.table import AVERAGE, describe_average
from eval_mm.leaderboard.ui import url
from eval_mm.leaderboard.ui.controls import filtered_view


def render_page(snap: Snapshot) -> None:
    chosen = filtered_view(snap, "No boards yet.")
    if chosen is None:
        return
    board, view = chosen
    options = ({AVERAGE: "Average"} if view.average else {}) | {
        c.key: f"{c.short} · {c.metric}" for c in view.columns}
    if not options:
        st.info("No numbers on this board with the current filters.")
        return
    url.choose("pareto_col", list(options), AVERAGE)
    key = st.selectbox("Score", list(options), key="pareto_col", format_func=options.__getitem__)
    score = view.average if key == AVERAGE else {
        m.key: v for m in view.models if (v := view.value(m.key, key)) is not None}
    points, no_size = [], []
    for m in view.models:
        if m.key not in score:
            continue
        if m.info.params_b is None:
            no_size.append(m.name)
        else:
            points.append(Point(m.name, float(m.info.params_b), score[m.key], m.access))
    st.subheader(f"{options[key]} against size · {board.title}")
    if len(points) < 2:
        st.info("Fewer than two models with a known parameter count have this number.")
    else:
        st.altair_chart(pareto_chart(points, options[key]), width="stretch")
        front = pareto_front(points)
        st.caption("Pareto front (no smaller model scores higher): "
                   + " → ".join(f"{p.model} ({p.params:g}B, {p.score:.2f})" for p in front))
    if key == AVERAGE:
        st.caption(describe_average(view))
    if no_size:
        st.caption(f"Not plotted, no parameter count recorded: {', '.join(sorted(no_size))}. "
                   "Add local checkpoints to models.json (see `eval-mm leaderboard --help`).")
    guessed = [m.name for m in view.models if m.info.params_from_name and m.key in score]
    if guessed:
        st.caption(f"Sizes read off the model name (no metadata): {', '.join(guessed)}.")
