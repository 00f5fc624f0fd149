"""Pairing the per-sample scores of one metric by sample id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from eval_mm.core.scoring import Score
from eval_mm.errors import UserError
from eval_mm.gate.runs import Run


@dataclass
class Paired:
    """Samples scored in both runs, in a fixed order, plus what was left out and why."""

    ids: list[str]
    baseline: np.ndarray
    candidate: np.ndarray
    baseline_records: list[dict[str, Any]]
    candidate_records: list[dict[str, Any]]
    unscored_baseline: int  # common ids left out because the baseline is unscored there
    unscored_candidate: int  # ... the candidate (an id unscored on both counts in both)
    missing: int  # common ids with no score record on at least one side
    n_common: int  # ids selected in both runs

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def excluded(self) -> int:
        return self.n_common - self.n

    def scores(self) -> tuple[list[Score], list[Score]]:
        """The paired records as `Score`s: (baseline, candidate), in `ids` order."""
        def to_score(r: dict[str, Any]) -> Score:
            return Score(r["value"], r.get("reason"), r.get("details") or {})

        return ([to_score(r) for r in self.baseline_records],
                [to_score(r) for r in self.candidate_records])


def pair_scores(base: Run, cand: Run, metric: str) -> Paired:
    b_recs, c_recs = base.scores(metric), cand.scores(metric)
    c_selected = set(cand.sample_ids)
    common = [i for i in base.sample_ids if i in c_selected]  # baseline order, deterministic
    ids: list[str] = []
    b_out: list[dict[str, Any]] = []
    c_out: list[dict[str, Any]] = []
    unscored_b = unscored_c = missing = 0
    for sid in common:
        b, c = b_recs.get(sid), c_recs.get(sid)
        if b is None or c is None:
            missing += 1
            continue
        b_none, c_none = b.get("value") is None, c.get("value") is None
        unscored_b += b_none
        unscored_c += c_none
        if b_none or c_none:
            continue
        ids.append(sid)
        b_out.append(b)
        c_out.append(c)
    b_vals = np.asarray([float(r["value"]) for r in b_out], dtype=float)
    c_vals = np.asarray([float(r["value"]) for r in c_out], dtype=float)
    # NaN compares false with everything: one would turn any drop into a pass.
    for run, vals in ((base, b_vals), (cand, c_vals)):
        bad = np.flatnonzero(~np.isfinite(vals))
        if bad.size:
            raise UserError(
                f"{run.path}: {metric} score of sample {ids[bad[0]]!r} is not a finite number "
                f"({vals[bad[0]]}; {bad.size} such samples); fix the scorer and rescore the run"
            )
    return Paired(
        ids,
        b_vals,
        c_vals,
        b_out,
        c_out,
        unscored_b,
        unscored_c,
        missing,
        len(common),
    )
