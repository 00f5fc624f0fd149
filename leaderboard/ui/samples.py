"""Sample browser: each sample's images, question, references, prediction, scores and
judge replies; filters by score and text; a second run side by side.

Everything a model or judge wrote goes through `st.text`, `st.json` or a dataframe, all
of which show text literally (no HTML, no markdown)."""

from __future__ import annotations

import json

import streamlit as st

from eval_mm.leaderboard.runs import Run
from eval_mm.leaderboard.samples import (
    SampleView,
    filter_samples,
    judge_runs,
    runs_table,
)
from eval_mm.leaderboard.ui import url
from eval_mm.leaderboard.ui.provenance import pick_run
from eval_mm.leaderboard.ui.state import (
    Store,
    debug_caption,
    run_label,
    samples,
    show_warnings,
)

PAGE_SIZE = 10


def _score_lines(s: SampleView) -> str:
    lines = []
    for metric, rec in sorted(s.scores.items()):
        v = rec.get("value")
        shown = "unscored" if v is None else f"{float(v):.4g}"
        reason = f" ({rec.get('reason')})" if rec.get("reason") else ""
        lines.append(f"{metric}@{rec.get('version', '?')}: {shown}{reason}")
    return "\n".join(lines) or "(no scores)"


def _details(s: SampleView) -> None:
    for metric, rec in sorted(s.scores.items()):
        details = rec.get("details") or {}
        if not details:
            continue
        with st.expander(f"{metric}: details"):
            runs = judge_runs(details)
            if runs is not None:
                st.dataframe(runs_table(runs), hide_index=True)
                for i, r in enumerate(runs):
                    reply = r.get("reply")
                    if isinstance(reply, str):
                        st.caption(f"Run {r.get('run', i)}: raw judge reply")
                        st.text(reply)
                rest = {k: v for k, v in details.items() if v is not runs}
                if rest:
                    st.text(json.dumps(rest, ensure_ascii=False, indent=1))
            else:
                st.text(json.dumps(details, ensure_ascii=False, indent=1))


def sample_card(s: SampleView | None, title: str) -> None:
    st.text(title)
    if s is None:
        st.info("This sample is not in this run.")
        return
    if s.images:
        st.image([str(p) for p in s.images], width=240)
    st.caption("Question")
    st.text(s.question)
    st.caption("Reference")
    st.text("\n---\n".join(s.references) or "(none)")
    st.caption("Prediction")
    if s.error:
        st.error("generation error")
        st.text(s.error)
    else:
        st.text(s.prediction if s.prediction is not None else
                "(no prediction stored)" if not s.has_prediction else "(empty output)")
    st.caption("Scores")
    st.text(_score_lines(s))
    _details(s)


def _other_run(store: Store, run: Run) -> Run | None:
    peers = [r for r in store.runs if r.task_id == run.task_id and r.rel != run.rel]
    if not peers:
        return None
    names = {r.rel: run_label(r) for r in peers}
    url.choose("cmp_run", ["", *names], "")
    rel = st.selectbox("Compare side by side with", ["", *names], key="cmp_run",
                       format_func=lambda k: names.get(k, "(none)"))
    return store.run(rel) if rel else None


def _clear_only() -> None:
    st.session_state["s_only"] = ""


def render(store: Store) -> None:
    rel = pick_run(store)
    run = store.run(rel) if rel else None
    if run is None:
        st.info("No runs.")
        return
    if run.debug:
        st.warning(debug_caption(run))
    items, warnings = samples(run)
    show_warnings(warnings)
    other = _other_run(store, run)
    other_items = {s.id: s for s in samples(other)[0]} if other else {}
    if other is not None:
        show_warnings(samples(other)[1])
    metrics = sorted({m for s in items for m in s.scores})
    c1, c2, c3 = st.columns([2, 2, 3])
    url.choose("s_metric", ["", *metrics], "")
    metric = c1.selectbox("Filter by metric", ["", *metrics], key="s_metric",
                          format_func=lambda m: m or "(no score filter)")
    lo, hi = None, None
    if metric:
        vals = [v for s in items if (v := s.value(metric)) is not None]
        if vals and min(vals) < max(vals):
            lo, hi = c2.slider("Score range", float(min(vals)), float(max(vals)),
                               (float(min(vals)), float(max(vals))), key="s_range")
    search = c3.text_input("Search text (id, question, reference, prediction)", key="s_search")
    f1, f2 = st.columns(2)
    url.default("s_disagree")
    f1.toggle("Where they disagree", key="s_disagree", disabled=other is None,
              help="Only samples the two runs score differently (on the chosen metric, else on "
                   "any metric both have); needs a second run")
    url.default("s_fail")
    f2.toggle("Failures only", key="s_fail",
              help="Only samples with a generation error or an unscored metric (in either run)")
    only = str(url.default("s_only") or "") or None
    if only:
        st.info(f"Showing sample {only} only.")
        st.button("Show all samples", on_click=_clear_only)
    shown = filter_samples(items, metric or None, lo, hi, search,
                           other=other_items if other is not None else None,
                           disagreements=bool(st.session_state["s_disagree"]),
                           failures_only=bool(st.session_state["s_fail"]), only_id=only)
    pages = max(1, -(-len(shown) // PAGE_SIZE))
    page = st.number_input(f"Page (of {pages})", 1, pages, 1, key="s_page") if pages > 1 else 1
    st.caption(f"{len(shown)} of {len(items)} samples match")
    for s in shown[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]:
        with st.container(border=True):
            st.text(f"Sample {s.id}")
            if other is None:
                sample_card(s, run_label(run))
            else:
                left, right = st.columns(2)
                with left:
                    sample_card(s, run_label(run))
                with right:
                    sample_card(other_items.get(s.id), run_label(other))
