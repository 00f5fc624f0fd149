"""Aggregation helpers: subgroup means, macro vs micro, run mean/std, seeded bootstrap."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eval_mm.core.aggregate import MetricSummary
from eval_mm.metrics.aggregation import (
    drop_reason,
    group_summary,
    interval,
    macro_over_groups,
    mean_statistic,
    mean_std,
    micro_mean,
)


def test_macro_vs_micro_spec_vector() -> None:
    values = [1.0, 1.0, 0.0, 0.0]
    domains = ["jaflower30", "jaflower30", "jaflower30", "jafood101"]
    macro, per = macro_over_groups(values, domains, scale=100)
    assert macro == pytest.approx(33.33, abs=1e-2)
    assert micro_mean(values, scale=100) == 50.0
    assert per["jaflower30"] == {"value": pytest.approx(200 / 3), "n": 3}


def test_unscored_and_ungrouped_left_out() -> None:
    assert group_summary([1.0, None, 0.0], ["a", "a", None]) == {"a": {"value": 1.0, "n": 1}}
    assert micro_mean([None, None]) is None


def test_mean_std_runs() -> None:
    mean, std = mean_std([80, 82, 81, 79, 83])
    assert mean == pytest.approx(81.0) and std == pytest.approx(1.5811, abs=1e-4)
    assert mean_std([5.0]) == (5.0, None) and mean_std([]) == (None, None)


def test_bootstrap_seeded() -> None:
    vals = [0.0, 1.0] * 50
    stat = mean_statistic(vals, [str(i) for i in range(100)], [{}] * 100)
    assert interval(stat, seed=0) == interval(stat, seed=0) != interval(stat, seed=1)
    iv = interval(stat, seed=0)
    assert iv is not None and iv.low < 0.5 < iv.high


def test_drop_reason_moves_out_of_scope_items() -> None:
    s = MetricSummary(value=50.0, n=2, unscored=3, unscored_reasons={"not_applicable": 2, "x": 1})
    out = drop_reason(s, "not_applicable", "not_applicable")
    assert (out.unscored, out.unscored_reasons, out.extra) == (1, {"x": 1}, {"not_applicable": 2})


@settings(deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.floats(0, 1)), min_size=1, max_size=30))
def test_macro_and_micro_within_group_range(rows: list[tuple[str, float]]) -> None:
    groups, values = zip(*rows, strict=True)
    macro, per = macro_over_groups(list(values), list(groups))
    micro = micro_mean(list(values))
    assert macro is not None and micro is not None
    lo = min(g["value"] for g in per.values())
    hi = max(g["value"] for g in per.values())
    assert lo - 1e-9 <= macro <= hi + 1e-9 and lo - 1e-9 <= micro <= hi + 1e-9


def test_headlines_that_are_not_means_get_the_interval_of_their_own_statistic() -> None:
    """JIC's macro over domains and CC-OCR's pooled-count F1: the interval is of the reported
    number (seeded), never of the per-item mean the base class would resample."""
    import numpy as np

    from eval_mm.core.sample import Sample
    from eval_mm.core.scoring import Score
    from eval_mm.registries import METRICS

    rng = np.random.default_rng(0)
    # A small domain at 20% and a big one at 80%: macro 50, micro 74.
    domains = ["small"] * 40 + ["big"] * 360
    values = [float(rng.random() < (0.2 if d == "small" else 0.8)) for d in domains]
    samples = [Sample(str(i), [], ["x"], {"domain": d}) for i, d in enumerate(domains)]
    jic = METRICS.get("jic_acc")().summary(samples, [Score(v) for v in values], seed=1)
    assert jic.value is not None and jic.ci_low is not None and jic.ci_high is not None
    assert jic.ci_low < jic.value < jic.ci_high and abs(jic.value - jic.extra["micro"]) > 10
    assert jic.ci_method == "item bootstrap" and jic.ci_clusters == 400
    counts = [(int(r), int(g), int(p)) for r, g, p in zip(
        rng.integers(0, 50, 60), rng.integers(50, 100, 60), rng.integers(40, 120, 60),
        strict=True)]
    scores = [Score(0.5, None, {"right": r, "n_gold": g, "n_pred": p}) for r, g, p in counts]
    pages = [Sample(str(i), [], ["x"]) for i in range(60)]
    micro = METRICS.get("ccocr_f1_micro")().summary(pages, scores)
    assert micro.value is not None and micro.ci_low is not None and micro.ci_high is not None
    assert micro.ci_low < micro.value < micro.ci_high and micro.value != micro.extra["macro"]


def test_no_interval_is_claimed_for_another_statistic() -> None:
    from eval_mm.core.aggregate import with_interval

    stat = mean_statistic([0.0, 1.0] * 20, [str(i) for i in range(40)], [{}] * 40, 100.0)
    s = with_interval(MetricSummary(value=42.0, n=40), stat)
    assert s.ci_low is None and "not its headline" in s.extra["ci_missing"]
    ok = with_interval(MetricSummary(value=50.0, n=40), stat, seed=3)
    assert ok.ci_low is not None and ok.ci_method == "item bootstrap" and ok.ci_resamples == 1000
