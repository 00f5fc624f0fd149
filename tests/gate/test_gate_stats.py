"""The gate's statistics on generated runs: pass, detect, inconclusive, and rare false alarms."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from eval_mm.core.bootstrap import mean_statistic
from eval_mm.gate import GateConfig, Tolerance, run_gate
from eval_mm.gate.bootstrap import paired_statistics
from eval_mm.gate.compare import INCONCLUSIVE, PASS, REGRESSION
from eval_mm.gate.verdict import EXIT_INCONCLUSIVE, EXIT_REGRESSION

from .factory import binary, flip_correct_to_wrong, sample_ids, write_run


def _base_values(n: int = 500, p: float = 0.7, seed: int = 0) -> dict[str, float | None]:
    rng = np.random.default_rng(seed)
    return binary(sample_ids(n), rng.random(n) < p)


def test_identical_runs_pass(tmp_path: Path) -> None:
    vals = _base_values()
    base = write_run(tmp_path / "b", "base", "jmmmu", {"exact_match": vals})
    cand = write_run(tmp_path / "c", "cand", "jmmmu", {"exact_match": vals})
    result = run_gate(base, cand, GateConfig())
    assert result.passed and result.exit_code == 0 and result.verdict == PASS
    (c,) = result.comparisons
    assert c.verdict == PASS and c.delta == 0.0 and c.ci_low == 0.0 and c.ci_high == 0.0
    assert c.n == 500 and c.baseline == pytest.approx(100 * np.mean(list(vals.values())))
    assert c.tolerance == 1.0  # accuracy default: one point
    assert c.mde == 0.0 and c.flips["worse_count"] == c.flips["better_count"] == 0


def test_five_point_drop_on_500_samples_is_detected(tmp_path: Path) -> None:
    vals = _base_values()
    # 40 answers lost, 15 gained: a net drop of 25 of 500 = 5 points, with churn both ways.
    worse = flip_correct_to_wrong(vals, 40)
    wrong = [i for i, v in vals.items() if v == 0.0][:15]
    worse.update({i: 1.0 for i in wrong})
    base = write_run(tmp_path / "b", "base", "jmmmu", {"exact_match": vals})
    cand = write_run(tmp_path / "c", "cand", "jmmmu", {"exact_match": worse})
    result = run_gate(base, cand, GateConfig())
    (c,) = result.comparisons
    assert c.delta == pytest.approx(-5.0)
    assert c.ci_low is not None and c.ci_high is not None
    assert c.ci_low < -5.0 < c.ci_high < -1.0
    assert c.verdict == REGRESSION and result.exit_code == 1
    # Independent 0/1 items: the exact McNemar test decides, on 40 right->wrong vs 15.
    assert c.test == "exact McNemar" and c.mcnemar is not None
    assert (c.mcnemar["worse"], c.mcnemar["better"], c.mcnemar["n"]) == (40, 15, 500)
    assert c.flips["binary"] and (c.flips["worse_count"], c.flips["better_count"]) == (40, 15)
    first = c.flips["worse"][0]
    assert (first["baseline"], first["candidate"]) == (1.0, 0.0)
    assert first["browser"] == (f"?view=samples&run=cand/jmmmu/{cand.name}&sample={first['id']}")
    # The same data the other way round is an improvement, never a failure.
    flipped = run_gate(cand, base, GateConfig())
    assert flipped.comparisons[0].verdict == PASS and flipped.comparisons[0].improved


def test_drop_within_tolerance_passes(tmp_path: Path) -> None:
    vals = _base_values()
    base = write_run(tmp_path / "b", "base", "jmmmu", {"exact_match": vals})
    worse = flip_correct_to_wrong(vals, 25)
    cand = write_run(tmp_path / "c", "cand", "jmmmu", {"exact_match": worse})
    lenient = GateConfig(kinds={"accuracy": Tolerance(absolute=8.0)})
    assert run_gate(base, cand, lenient).comparisons[0].verdict == PASS
    relative = GateConfig(kinds={"accuracy": Tolerance(relative=0.15)})  # 15% of ~70 = 10.5 points
    c = run_gate(base, cand, relative).comparisons[0]
    assert c.baseline is not None and c.verdict == PASS
    assert c.tolerance == pytest.approx(0.15 * c.baseline)


def test_a_gate_that_cannot_see_its_tolerance_is_inconclusive_not_pass(tmp_path: Path) -> None:
    """40 samples, 8 answers changing each way: no drop, but a 1-point tolerance is far below
    what 40 samples resolve. That is inconclusive (exit 3), and a failure in strict mode."""
    vals = _base_values(40)
    right = [i for i, v in vals.items() if v == 1.0][:8]
    wrong = [i for i, v in vals.items() if v == 0.0][:8]
    churn = dict(vals, **{i: 0.0 for i in right}, **{i: 1.0 for i in wrong})
    base = write_run(tmp_path / "b", "base", "jmmmu", {"exact_match": vals})
    cand = write_run(tmp_path / "c", "cand", "jmmmu", {"exact_match": churn})
    result = run_gate(base, cand, GateConfig())
    (c,) = result.comparisons
    assert c.delta == 0.0 and c.verdict == INCONCLUSIVE and c.reason is not None
    assert c.reason.startswith("underpowered") and c.mde is not None and c.mde > 10.0
    assert result.verdict == INCONCLUSIVE and result.exit_code == EXIT_INCONCLUSIVE
    strict = run_gate(base, cand, GateConfig(strict=True))
    assert strict.exit_code == EXIT_REGRESSION and not strict.regressions
    # With a tolerance it can see, the same data passes.
    wide = run_gate(base, cand, GateConfig(kinds={"accuracy": Tolerance(absolute=40.0)}))
    assert wide.verdict == PASS


def test_holm_adjusts_over_the_gated_metrics(tmp_path: Path) -> None:
    vals = _base_values()
    worse = flip_correct_to_wrong(vals, 20)  # -4 points, p about 1e-4 at a 1-point tolerance
    metrics = {f"m{k}": vals for k in range(4)}
    base = write_run(tmp_path / "b", "base", "jmmmu", metrics)
    cand = write_run(tmp_path / "c", "cand", "jmmmu",
                     {"m0": worse, "m1": vals, "m2": vals, "m3": vals})
    holm = {c.metric: c for c in run_gate(base, cand, GateConfig()).comparisons}
    none = {c.metric: c for c in run_gate(base, cand, GateConfig(correction="none")).comparisons}
    raw = none["m0"].p_value
    assert raw is not None and holm["m0"].p_adjusted == pytest.approx(4 * raw)
    assert none["m0"].p_adjusted == raw and holm["m0"].verdict == REGRESSION
    # Holm's first step needs alpha / 4: the detectable drop is larger than unadjusted.
    assert (holm["m0"].mde or 0.0) > (none["m0"].mde or 0.0) > 0.0
    assert holm["m1"].mde == 0.0 and holm["m1"].verdict == PASS  # identical: nothing changed


def test_cluster_bootstrap_widens_what_item_resampling_understates() -> None:
    """100 images x 5 questions whose changes move together per image: the clustered
    standard error is about sqrt(5) times the one that treats questions as independent."""
    rng = np.random.default_rng(3)
    images = np.repeat(np.arange(100), 5)
    shift = rng.normal(0, 1, 100)[images]  # the candidate gains or loses whole images
    base = rng.normal(5, 1, 500)
    cand = base + shift + rng.normal(0, 0.1, 500)
    ids = [str(i) for i in range(500)]
    meta = [{"image_id": int(g)} for g in images]
    b, c = mean_statistic(base, ids, meta), mean_statistic(cand, ids, meta)
    clustered = paired_statistics(b, c, "image_id", 2000, 0)
    naive = paired_statistics(b, c, None, 2000, 0)
    assert (clustered.clusters, naive.clusters) == (100, 500)
    assert clustered.se / naive.se == pytest.approx(np.sqrt(5), rel=0.15)
    assert clustered == paired_statistics(b, c, "image_id", 2000, 0)  # seeded


@pytest.mark.slow
def test_false_alarms_at_most_nominal_in_200_same_distribution_trials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Baseline and candidate drawn independently from the same per-item difficulties.

    Each trial is one task of a 200-task store, gated in one call without a multiple-
    comparison adjustment (the per-metric rate) and with zero tolerance, the hardest setting:
    only the test guards against noise. Nominal: 2.5% one-sided."""
    monkeypatch.setattr("os.fsync", lambda fd: None)  # durability is not under test here
    rng = np.random.default_rng(12345)
    n, trials = 300, 200
    ids = sample_ids(n)
    for t in range(trials):
        difficulty = rng.beta(2.0, 1.0, size=n)  # items differ; both runs share them
        for side in ("base", "cand"):
            write_run(tmp_path / side, side, f"sim-{t:03d}",
                      {"exact_match": binary(ids, rng.random(n) < difficulty)})
    cfg = GateConfig(resamples=1000, correction="none",
                     kinds={"accuracy": Tolerance(absolute=0.0)})
    result = run_gate(tmp_path / "base", tmp_path / "cand", cfg)
    assert len(result.comparisons) == trials
    alarms = len(result.regressions)
    assert alarms <= trials * 0.05, f"{alarms} false alarms in {trials} trials"


def test_a_non_finite_score_is_a_data_error_not_a_silent_pass(tmp_path: Path) -> None:
    """NaN compares false with everything: without a check one NaN turns any drop into a pass."""
    from eval_mm.errors import UserError

    vals = _base_values()
    worse = flip_correct_to_wrong(vals, 100)
    worse[next(iter(worse))] = float("nan")
    base = write_run(tmp_path / "b", "base", "jmmmu", {"exact_match": vals})
    cand = write_run(tmp_path / "c", "cand", "jmmmu", {"exact_match": worse})
    with pytest.raises(UserError, match="not a finite number"):
        run_gate(base, cand, GateConfig())
