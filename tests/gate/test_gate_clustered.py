"""The gate on clustered tasks through the scorers' own statistics: Heron's relative score
over judge runs (clustered by image) and MECHA circular accuracy (by question and image)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from eval_mm.gate import GateConfig, run_gate
from eval_mm.gate.compare import PASS, REGRESSION
from eval_mm.registries import METRICS
from tests.metrics.test_coverage import _heron_scores

from .factory import write_run

HERON = "japanese-heron-bench"
JUDGE = {"model": "gpt-4o-2024-11-20", "prompt_version": "heron_llmjp_v2"}


def _heron_run(root: Path, model: str, ref: np.ndarray, scores: np.ndarray,
               cat: np.ndarray) -> Path:
    ids = [str(i) for i in range(cat.size)]
    runs = {i: {"runs": [{"run": k, "parsed": [float(ref[n, k]), float(scores[n, k])]}
                         for k in range(scores.shape[1])]} for n, i in enumerate(ids)}
    values = {i: float(scores[n].mean()) for n, i in enumerate(ids)}
    meta = {i: {"category": str(cat[n]), "image_id": f"img{n // 5}"} for n, i in enumerate(ids)}
    return write_run(root, model, HERON, {"heron_rel": values}, kinds={"heron_rel": "judge"},
                     judge=JUDGE, metadata=meta, scale=1.0, details={"heron_rel": runs})


def test_heron_is_compared_on_its_relative_score_clustered_by_image(tmp_path: Path) -> None:
    cat, ref, model = _heron_scores(np.random.default_rng(0), 21)
    base = _heron_run(tmp_path / "b", "base", ref, model, cat)
    worse = _heron_run(tmp_path / "w", "cand", ref, np.clip(model - 1, 1, 10), cat)
    (c,) = run_gate(base, worse, GateConfig()).comparisons
    assert (c.method, c.cluster_key, c.clusters, c.units, c.n) == (
        "statistic", "image_id", 21, 105, 105)
    assert c.test == "bootstrap t" and c.mcnemar is None  # not 0/1 outcomes
    # The baseline is Heron's headline (per run, then over runs), not a mean of 1-10 scores.
    scorer = METRICS.get("heron_rel")()
    want = 100 * np.mean([[model[cat == k, r].mean() / ref[cat == k, r].mean()
                           for k in ("conv", "detail", "complex")] for r in range(5)])
    assert c.baseline == pytest.approx(want) and 50 < c.baseline < 100
    assert c.tolerance == pytest.approx(0.05 * c.baseline)  # judge default: 5% of baseline
    assert c.delta is not None and c.delta < -10 and c.verdict == REGRESSION
    assert c.flips["worse_count"] > 0 and not c.flips["binary"]
    assert scorer.kind == "judge"
    same = run_gate(base, base, GateConfig()).comparisons[0]
    assert same.delta == 0.0 and same.verdict == PASS


def _mecha_run(root: Path, model: str, right: np.ndarray) -> Path:
    """`right[q, r]`: question q, rotation r; three questions per image."""
    values: dict[str, float | None] = {}
    meta: dict[str, dict[str, Any]] = {}
    for q in range(right.shape[0]):
        for r in range(4):
            sid = f"{q}_rot{r}"
            values[sid] = float(right[q, r])
            meta[sid] = {"base_id": str(q), "rotation": r, "options": list("abcd"),
                         "image_id": f"img{q // 3}"}
    return write_run(root, model, "mecha-ja", {"mecha_circular_acc": values, "mecha_acc": values},
                     metadata=meta)


def test_mecha_is_resampled_by_image_and_circular_accuracy_is_per_question(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(1)
    knows = rng.random((300, 1)) < 0.7  # a model mostly answers all rotations alike
    right = np.where(rng.random((300, 4)) < 0.9, knows, ~knows)
    lost = right.copy()
    lost[:30] = False  # 30 questions (10 images) lost on every rotation
    base, cand = _mecha_run(tmp_path / "b", "base", right), _mecha_run(tmp_path / "c", "c", lost)
    by = {c.metric: c for c in run_gate(base, cand, GateConfig()).comparisons}
    circ, pooled = by["mecha_circular_acc"], by["mecha_acc"]
    assert (circ.method, circ.units, circ.clusters, circ.n) == ("statistic", 300, 100, 1200)
    assert (pooled.method, pooled.units, pooled.clusters) == ("mean", 1200, 100)
    assert circ.cluster_key == pooled.cluster_key == "image_id"
    # 0/1 outcomes, but in clusters: McNemar is reported, the cluster bootstrap decides.
    assert circ.mcnemar is not None and not circ.mcnemar["decides"] and circ.test == "bootstrap t"
    assert circ.mcnemar["n"] == 300 and circ.mcnemar["better"] == 0
    assert circ.verdict == pooled.verdict == REGRESSION
    # Flips are samples the browser can open; lost whole questions come first.
    assert pooled.flips["worse_count"] == int(right[:30].sum())
    assert pooled.flips["worse"][0]["id"].endswith(("_rot0", "_rot1", "_rot2", "_rot3"))
