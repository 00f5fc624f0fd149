"""Compare two models of one board: per task the difference with its paired CI, and the
samples where they disagree, one click from the sample browser."""

from __future__ import annotations

from functools import partial
from html import escape

import streamlit as st

from eval_mm.leaderboard.boards import Board, Cell, Column
from eval_mm.leaderboard.compare import Difference, compare, disagreements
from eval_mm.leaderboard.htmltable import CSS, cell_text, fmt
from eval_mm.leaderboard.index import Snapshot
from eval_mm.leaderboard.ui import url
from eval_mm.leaderboard.ui.controls import filtered_view

SHOWN_DISAGREEMENTS = 200


@st.cache_data(show_spinner="Bootstrapping paired differences…", max_entries=32)
def _differences(snap_key: str, board_id: str, a: str, b: str,
                 columns: tuple[str, ...]) -> list[Difference]:
    from eval_mm.leaderboard.ui.state import store

    snap = store()
    board = snap.board(board_id)
    return compare(board, snap.root, a, b, columns=list(columns)) if board is not None else []


def _delta_cell(d: Difference, col: Column) -> str:
    if d.delta is None:
        return '<td class="na">—</td>'
    colour = ""
    if d.ci is not None and (d.ci[0] > 0 or d.ci[1] < 0):
        colour = ' style="color:#0a7d32;font-weight:600"' if d.ci[0] > 0 else (
            ' style="color:#b3261e;font-weight:600"')
    return f"<td{colour}>{d.delta:+.{col.decimals}f}</td>"


def _value(cell: Cell | None, col: Column) -> str:
    return "—" if cell is None else escape(cell_text(cell, col)) + ("†" if cell.subset else "")


def differences_html(diffs: list[Difference], name_a: str, name_b: str) -> str:
    head = ("<tr><th class='l'>Task</th><th class='l'>Metric</th>"
            f"<th>A: {escape(name_a)}</th><th>B: {escape(name_b)}</th><th>B − A</th>"
            "<th>95% CI of B − A</th><th>paired n</th><th>disagree</th>"
            "<th class='l'>note</th></tr>")
    rows = []
    for d in diffs:
        c = d.column
        ci = "—" if d.ci is None else f"{fmt(d.ci[0], c.decimals)} … {fmt(d.ci[1], c.decimals)}"
        rows.append(
            f"<tr data-col='{escape(c.key)}'><td class='l'>{escape(c.short)}</td>"
            f"<td class='l'>{escape(c.metric)}</td><td>{_value(d.a, c)}</td>"
            f"<td>{_value(d.b, c)}</td>{_delta_cell(d, c)}<td class='ci'>{ci}</td>"
            f"<td>{d.paired or ''}</td><td>{d.disagree or ''}</td>"
            f"<td class='l' style='white-space:normal;min-width:16em'>{escape(d.note)}</td></tr>")
    return (CSS + "<div class='lb-wrap'><table class='lb cmp'><thead>" + head + "</thead><tbody>"
            + "".join(rows) + "</tbody></table></div>")


def _open_samples(run_a: str, run_b: str, metric: str, *, only: str = "",
                  failures: bool = False) -> None:
    st.session_state.update({
        "view": url.VIEWS["samples"], "samples_run": run_a, "cmp_run": run_b,
        "s_metric": metric, "s_disagree": not only and not failures, "s_fail": failures,
        "s_only": only,
    })


def _open_selected(run_a: str, run_b: str, metric: str, ids: list[str]) -> None:
    rows = st.session_state["cmp_rows"]["selection"]["rows"]
    if rows:
        _open_samples(run_a, run_b, metric, only=ids[rows[0]])


def _disagreement_section(snap: Snapshot, board: Board, a: str, b: str,
                          diffs: list[Difference]) -> None:
    with_runs = [d for d in diffs if d.a is not None and d.b is not None and d.a.run
                 and d.b.run]
    if not with_runs:
        return
    st.subheader("Where they disagree")
    keys = [d.column.key for d in with_runs]
    labels = {d.column.key: f"{d.column.short} · {d.column.metric} ({d.disagree} samples)"
              for d in with_runs}
    url.choose("cmp_col", keys, max(with_runs, key=lambda d: d.disagree).column.key)
    key = st.selectbox("Task and metric", keys, key="cmp_col", format_func=labels.__getitem__)
    d = next(x for x in with_runs if x.column.key == key)
    assert d.a is not None and d.b is not None
    metric = d.column.metric
    c1, c2 = st.columns(2)
    c1.button("Open these samples side by side in the sample browser", key="cmp_open",
              on_click=_open_samples, args=(d.a.run, d.b.run, metric))
    c2.button("Open only the failures (errors, unscored) of either", key="cmp_fail",
              on_click=_open_samples, args=(d.a.run, d.b.run, metric), kwargs={"failures": True})
    diffs_s = disagreements(snap.root, d.a, d.b, metric)[:SHOWN_DISAGREEMENTS]
    if not diffs_s:
        st.info("The two runs score every shared sample alike.")
        return
    st.caption(f"{len(diffs_s)} samples shown (largest change first); select a row to open it.")
    st.dataframe(
        [{"sample": s.id, "A": s.a, "B": s.b,
          "B − A": None if s.a is None or s.b is None else s.b - s.a} for s in diffs_s],
        hide_index=True, selection_mode="single-row", key="cmp_rows",
        on_select=partial(_open_selected, d.a.run, d.b.run, metric, [s.id for s in diffs_s]),
    )


def render_page(snap: Snapshot) -> None:
    chosen = filtered_view(snap, "Nothing to compare yet.")
    if chosen is None:
        return
    board, view = chosen
    models = [m.key for m in view.models]
    if len(models) < 2:
        st.info("This board shows fewer than two models with the current filters.")
        return
    names = {m.key: m.name for m in view.models}
    real = [m.key for m in view.models if not m.debug] + [m.key for m in view.models if m.debug]
    url.choose("cmp_a", models, real[0])
    url.choose("cmp_b", models, real[1])
    c1, c2 = st.columns(2)
    a = c1.selectbox("Model A", models, key="cmp_a", format_func=names.__getitem__)
    b = c2.selectbox("Model B", models, key="cmp_b", format_func=names.__getitem__)
    if a == b:
        st.info("Pick two different models.")
        return
    st.subheader(f"{names[b]} − {names[a]} on {board.title}")
    diffs = _differences(snap.key, board.id, a, b, tuple(c.key for c in view.columns))
    st.html(differences_html(diffs, names[a], names[b]))
    st.caption("B − A in the column's units; green/red when the 95% paired bootstrap "
               "interval excludes 0. Intervals use the samples both runs scored "
               "(eval_mm.gate.bootstrap). † = computed on part of the benchmark.")
    _disagreement_section(snap, board, a, b, diffs)
