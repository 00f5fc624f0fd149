"""Task details on one board: every metric of a task as bars with CIs, the breakdowns of
local runs, and a radar across tasks when asked for."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from eval_mm.leaderboard.boards import PERCENT_SCALES, Board
from eval_mm.leaderboard.breakdowns import breakdown_tables, extra_table
from eval_mm.leaderboard.charts import bar_chart, radar_chart
from eval_mm.leaderboard.index import Snapshot
from eval_mm.leaderboard.table import BoardView, ViewOptions, build_view
from eval_mm.leaderboard.ui import url
from eval_mm.leaderboard.ui.controls import board_view_controls

RADAR_MAX_MODELS = 6


def _summaries(snap: Snapshot, board: Board, view: BoardView, column: str
               ) -> dict[str, dict[str, Any]]:
    out = {}
    for m in view.models:
        cell = board.cell(m.key, column)
        run = snap.run(cell.run) if cell is not None and cell.run else None
        if run is not None:
            try:
                out[m.name] = run.read_summary()
            except (OSError, ValueError):
                continue
    return out


def _radar(board: Board, opts: ViewOptions) -> None:
    view = build_view(board, opts)
    columns = [c for c in view.columns if c.primary and c.scale in PERCENT_SCALES]
    if len(columns) < 3:
        st.info("A radar chart needs at least three primary columns on a percentage scale.")
        return
    names = {m.key: m.name for m in view.models}
    chosen = st.multiselect(f"Models (up to {RADAR_MAX_MODELS})", list(names),
                            format_func=names.__getitem__, key="task_radar",
                            max_selections=RADAR_MAX_MODELS)
    if not chosen:
        st.caption("Pick the models to draw.")
        return
    values = {names[k]: {c.short: v * PERCENT_SCALES[c.scale] for c in columns
                         if (v := view.value(k, c.key)) is not None} for k in chosen}
    st.altair_chart(radar_chart(values, [c.short for c in columns]), width="content")
    st.caption("Primary metric of each task on a 0–100 scale (0–1 columns ×100; Heron's "
               "relative score may exceed 100). Missing numbers are drawn at 0.")


def render_page(snap: Snapshot) -> None:
    chosen = board_view_controls(snap, "No boards yet.")
    if chosen is None:
        return
    board, opts = chosen
    all_opts = replace(opts, all_metrics=True)
    view = build_view(board, all_opts)
    tasks = list(dict.fromkeys(c.task for c in view.columns))
    if not tasks:
        st.info("No numbers on this board with the current filters.")
        return
    shorts = {c.task: c.short for c in view.columns}
    url.choose("task_task", tasks)
    task = st.selectbox("Task", tasks, key="task_task",
                        format_func=lambda t: f"{shorts[t]} ({t})")
    for col in [c for c in view.columns if c.task == task]:
        st.subheader(f"{col.short} · {col.metric}")
        st.caption(" · ".join(col.details))
        records = []
        for m in view.models:
            cell = board.cell(m.key, col.key)
            if cell is not None:
                records.append({"model": m.name + (" †" if cell.subset else ""),
                                "value": cell.value, "n": cell.n,
                                "ci_low": cell.ci[0] if cell.ci else None,
                                "ci_high": cell.ci[1] if cell.ci else None})
        if records:
            st.altair_chart(bar_chart(records, f"{col.metric} ({col.scale})", col.decimals),
                            width="stretch")
        summaries = _summaries(snap, board, view, col.key)
        for key, table in breakdown_tables(summaries, col.metric).items():
            st.markdown(f"**Breakdown by `{key}`**")
            st.dataframe(table, column_config={c: st.column_config.NumberColumn(format="%.2f")
                                               for c in table.columns})
        extra = extra_table(summaries, col.metric)
        if not extra.empty:
            with st.expander(f"Sub-numbers of {col.metric}"):
                st.dataframe(extra)
    st.divider()
    url.default("task_radar_on")
    if st.toggle("Radar chart across tasks", key="task_radar_on"):
        _radar(board, opts)
