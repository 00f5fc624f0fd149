"""Provenance: the whole run card of a run, plus its summary counts."""

from __future__ import annotations

import streamlit as st

from eval_mm.leaderboard.ui import url
from eval_mm.leaderboard.ui.state import Store, debug_caption, run_label


def pick_run(store: Store, label: str = "Run") -> str | None:
    rels = [r.rel for r in store.runs]
    if not rels:
        return None
    url.choose("samples_run", rels)
    names = {r.rel: run_label(r) for r in store.runs}
    return st.selectbox(label, rels, format_func=names.__getitem__, key="samples_run")


def render(store: Store) -> None:
    rel = pick_run(store)
    run = store.run(rel) if rel else None
    if run is None:
        st.info("No runs.")
        return
    if run.debug:
        st.warning(debug_caption(run))
    st.caption(f"Folder: {run.path}")
    try:
        card, summary = run.read_card(), run.read_summary()
    except (OSError, ValueError) as exc:
        st.error(f"cannot read the run folder now: {exc}")
        return
    st.subheader("Run card (run.json)")
    st.json(card, expanded=True)
    st.subheader("Summary counts")
    st.json({"counts": summary.get("counts"),
             "metrics": {k: {f: m.get(f) for f in ("value", "n", "unscored", "unscored_reasons",
                                                    "ci_low", "ci_high")}
                         for k, m in (summary.get("metrics") or {}).items()
                         if isinstance(m, dict)}}, expanded=False)
