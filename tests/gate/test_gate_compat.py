"""What the gate refuses to compare, and how it pairs runs, samples and configs."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from eval_mm.core.aggregate import MetricSummary, group_means, macro_mean
from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score, Scorer
from eval_mm.errors import UserError
from eval_mm.gate import GateConfig, run_gate, to_markdown
from eval_mm.gate.compare import PASS, REGRESSION, SKIPPED
from eval_mm.gate.config import config_from_dict, load_config
from eval_mm.registries import METRICS, register_metric

from .factory import binary, flip_correct_to_wrong, sample_ids, write_run

# Judge scorers resample through their own (slower) aggregate; fewer resamples keep tests quick.
FAST = GateConfig(resamples=200)
JUDGE = {"model": "gpt-4o-2024-11-20", "prompt_version": "judge_1to5_llmjp", "temperature": 0.0}


def _vals(n: int = 400, seed: int = 0) -> dict[str, float | None]:
    return binary(sample_ids(n), np.random.default_rng(seed).random(n) < 0.7)


def _judge_vals(n: int = 200, seed: int = 0) -> dict[str, float | None]:
    rng = np.random.default_rng(seed)
    return {i: float(v) for i, v in zip(sample_ids(n), rng.integers(1, 6, n), strict=True)}


def test_task_version_mismatch_is_refused(tmp_path: Path) -> None:
    base = write_run(tmp_path / "b", "base", "jmmmu", {"exact_match": _vals()}, task_version="1")
    cand = write_run(tmp_path / "c", "cand", "jmmmu", {"exact_match": _vals()}, task_version="2")
    with pytest.raises(UserError, match="version 1 but candidate is version 2"):
        run_gate(base, cand, GateConfig())


def test_prompt_change_and_metric_version_change_are_refused(tmp_path: Path) -> None:
    base = write_run(tmp_path / "b", "base", "jmmmu", {"exact_match": _vals()})
    other_prompt = write_run(tmp_path / "c", "cand", "jmmmu", {"exact_match": _vals()},
                             prompt_hash="q" * 16)
    with pytest.raises(UserError, match="different prompts"):
        run_gate(base, other_prompt, GateConfig())
    rescored = write_run(tmp_path / "d", "cand", "jmmmu", {"exact_match": _vals()},
                         metric_version="2")
    with pytest.raises(UserError, match="rescore"):
        run_gate(base, rescored, GateConfig())


def _judge_runs(tmp_path: Path, base_judge: dict | None,
                cand_judge: dict | None) -> tuple[Path, Path]:
    kinds = {"judge_1to5": "judge"}
    base = write_run(tmp_path / "b", "base", "vg-vqa", {"judge_1to5": _judge_vals()},
                     kinds=kinds, judge=base_judge, scale=1.0)
    cand = write_run(tmp_path / "c", "cand", "vg-vqa", {"judge_1to5": _judge_vals(seed=1)},
                     kinds=kinds, judge=cand_judge, scale=1.0)
    return base, cand


def test_judge_metrics_compared_when_judge_matches(tmp_path: Path) -> None:
    base, cand = _judge_runs(tmp_path, JUDGE, dict(JUDGE, concurrency=3))
    (c,) = run_gate(base, cand, FAST).comparisons
    assert c.kind == "judge" and c.verdict != SKIPPED and c.p_value is not None and c.n == 200
    assert c.baseline is not None and 1.0 <= c.baseline <= 5.0  # native 1-5 scale kept
    assert c.tolerance == pytest.approx(0.05 * c.baseline)  # judge default: 5% of baseline


@pytest.mark.parametrize("cand_judge", [
    dict(JUDGE, model="gpt-4o-mini"),
    dict(JUDGE, prompt_version="judge_1to5_v2"),
    None,
])
def test_mismatched_judges_are_refused(tmp_path: Path, cand_judge: dict | None) -> None:
    base, cand = _judge_runs(tmp_path, JUDGE, cand_judge)
    with pytest.raises(UserError, match="judge"):
        run_gate(base, cand, GateConfig())
    # Asked to, the gate skips the metric instead, and says why.
    (c,) = run_gate(base, cand, GateConfig(resamples=200, skip_judge_mismatch=True)).comparisons
    assert c.verdict == SKIPPED and c.note and not c.fails


def test_judge_prompt_recorded_per_metric(tmp_path: Path) -> None:
    per_metric = {"model": "gpt-4o-2024-11-20",
                  "prompts": {"judge_1to5": {"version": "judge_1to5_llmjp", "sha256_user": "a"}}}
    changed = {"model": "gpt-4o-2024-11-20",
               "prompts": {"judge_1to5": {"version": "judge_1to5_strict", "sha256_user": "b"}}}
    base, cand = _judge_runs(tmp_path, per_metric, per_metric)
    assert run_gate(base, cand, FAST).comparisons[0].verdict != SKIPPED
    base, cand = _judge_runs(tmp_path / "x", per_metric, changed)
    with pytest.raises(UserError, match="judge_1to5_strict"):
        run_gate(base, cand, GateConfig())


def test_subsets_must_overlap(tmp_path: Path) -> None:
    full = _vals(1000)
    ids = list(full)
    base = write_run(tmp_path / "b", "base", "jmmmu",
                     {"exact_match": {i: full[i] for i in ids[:100]}}, limit=100, limit_seed=0)
    other = write_run(tmp_path / "c", "cand", "jmmmu",
                      {"exact_match": {i: full[i] for i in ids[50:150]}}, limit=100, limit_seed=1)
    with pytest.raises(UserError, match=r"share 50 sample ids.*seed=0.*seed=1"):
        run_gate(base, other, GateConfig())
    loose = run_gate(base, other, GateConfig(min_overlap=0.5))
    assert loose.comparisons[0].n == 50
    assert ("50 common samples; baseline 100 (--limit 100 --limit-seed 0), candidate 100 "
            "(--limit 100 --limit-seed 1)") in to_markdown(loose)
    # A CI subset of a full stored baseline is fine: every candidate id is in the baseline.
    full_base = write_run(tmp_path / "f", "base", "jmmmu", {"exact_match": full})
    subset = run_gate(full_base, other, GateConfig())
    assert subset.comparisons[0].n == 100 and subset.tasks[0].selection.coverage == 1.0


def test_unscored_samples_are_excluded_and_counted(tmp_path: Path) -> None:
    vals = _vals(300)
    ids = list(vals)
    b = dict(vals, **{i: None for i in ids[:7]})
    c = dict(vals, **{i: None for i in ids[5:12]})
    base = write_run(tmp_path / "b", "base", "t", {"exact_match": b})
    cand = write_run(tmp_path / "c", "cand", "t", {"exact_match": c})
    (r,) = run_gate(base, cand, GateConfig()).comparisons
    assert (r.n, r.n_common, r.unscored_baseline, r.unscored_candidate) == (288, 300, 7, 7)
    assert r.delta == 0.0  # the remaining values are identical


def test_directories_are_matched_by_task_and_missing_tasks_refused(tmp_path: Path) -> None:
    vals = _vals()
    for task in ("jmmmu", "mecha-ja"):
        write_run(tmp_path / "base", "org/base-7b", task, {"exact_match": vals})
    write_run(tmp_path / "cand", "org/cand-7b", "jmmmu", {"exact_match": vals})
    write_run(tmp_path / "cand", "org/cand-7b", "mecha-ja",
              {"exact_match": flip_correct_to_wrong(vals, 30)})
    write_run(tmp_path / "cand", "org/cand-7b", "cvqa-ja", {"exact_match": vals})
    result = run_gate(tmp_path / "base", tmp_path / "cand", GateConfig())
    verdicts = {c.task: c.verdict for c in result.comparisons}
    assert verdicts == {"jmmmu": PASS, "mecha-ja": REGRESSION}
    assert any("cvqa-ja" in n for n in result.notes)
    only_jmmmu = run_gate(tmp_path / "base", tmp_path / "cand", GateConfig(tasks=["jmmmu"]))
    assert only_jmmmu.passed
    with pytest.raises(UserError, match="no run of task"):
        run_gate(tmp_path / "cand", tmp_path / "base", GateConfig())
    with pytest.raises(UserError, match="does not exist"):
        run_gate(tmp_path / "nowhere", tmp_path / "cand", GateConfig())


def test_config_file_sets_tolerances_and_informational_metrics(tmp_path: Path) -> None:
    path = tmp_path / "gate.toml"
    path.write_text(
        '[gate]\nresamples = 500\nseed = 3\n\n[kinds]\naccuracy = { absolute = 0.5 }\n\n'
        '[metrics.substring_match]\ngate = false\n\n'
        '[metrics."jmmmu:exact_match"]\nrelative = 0.2\n',
        encoding="utf-8")
    cfg = load_config(path)
    assert (cfg.resamples, cfg.seed) == (500, 3)
    assert cfg.tolerance("jmmmu", "exact_match", "accuracy").relative == 0.2
    assert cfg.tolerance("other", "exact_match", "accuracy").absolute == 0.5
    vals = _vals()
    worse = flip_correct_to_wrong(vals, 30)
    base = write_run(tmp_path / "b", "base", "jmmmu",
                     {"exact_match": vals, "substring_match": vals})
    cand = write_run(tmp_path / "c", "cand", "jmmmu",
                     {"exact_match": worse, "substring_match": worse})
    result = run_gate(base, cand, cfg)
    by = {c.metric: c for c in result.comparisons}
    assert by["exact_match"].verdict == PASS  # 7.5 points down, 20% of ~70 allowed
    assert by["substring_match"].verdict == REGRESSION and not by["substring_match"].gated
    assert result.passed
    bad: dict[str, Any]
    for bad in ({"gate": {"confidence": 2}}, {"kinds": {"accuracy": {"absolute": -1}}},
                {"metrics": {"x": {"tolerance": 1}}}, {"extra": {}}):
        with pytest.raises(UserError):
            config_from_dict(bad)


class _MacroByDomain(Scorer):
    """A headline that is not the per-sample mean: the unweighted mean of domain means."""

    id: ClassVar[str] = "gate_test_macro"
    kind: ClassVar[str] = "accuracy"

    def aggregate(self, samples: Sequence[Sample], scores: Sequence[Score],
                  breakdown_keys: Sequence[str] = (), seed: int = 0) -> MetricSummary:
        groups = group_means([s.value for s in scores], [s.metadata for s in samples], "domain")
        return MetricSummary(macro_mean(groups), sum(s.value is not None for s in scores))


def test_metrics_with_their_own_aggregate_are_resampled_through_it(tmp_path: Path) -> None:
    if METRICS.canonical(_MacroByDomain.id) is None:
        register_metric(_MacroByDomain)
    n = 400
    ids = sample_ids(n)
    # A small domain (40 items) at 20% vs a big one (360) at 80%: macro 50, micro 74.
    meta = {i: {"domain": "small" if k < 40 else "big"} for k, i in enumerate(ids)}
    vals = {i: float((k % 5 == 0) if k < 40 else (k % 5 != 0)) for k, i in enumerate(ids)}
    base = write_run(tmp_path / "b", "base", "jmmmu", {"gate_test_macro": vals}, metadata=meta)
    cand = write_run(tmp_path / "c", "cand", "jmmmu", {"gate_test_macro": vals}, metadata=meta)
    (c,) = run_gate(base, cand, GateConfig(resamples=200)).comparisons
    assert c.method == "aggregate" and c.baseline == pytest.approx(50.0)
    assert c.delta == 0.0 and c.verdict == PASS
    # Losing every correct answer of the small domain is -10 macro but only -2 micro.
    worse = dict(vals, **{i: 0.0 for i in ids[:40]})
    cand2 = write_run(tmp_path / "d", "cand", "jmmmu", {"gate_test_macro": worse},
                      metadata=meta)
    (c2,) = run_gate(base, cand2, GateConfig(resamples=200)).comparisons
    assert c2.delta == pytest.approx(-10.0) and c2.verdict == REGRESSION
    # Scorer logs are silenced only while resampling.
    assert logging.root.manager.disable == 0


def test_unregistered_metric_falls_back_to_the_mean(tmp_path: Path) -> None:
    vals = _vals()
    base = write_run(tmp_path / "b", "base", "t", {"my_plugin_metric": vals})
    cand = write_run(tmp_path / "c", "cand", "t", {"my_plugin_metric": vals})
    (c,) = run_gate(base, cand, GateConfig()).comparisons
    assert c.method == "mean" and c.note and "not registered" in c.note


class _MeanWithExtras(Scorer):
    """Overrides `aggregate` only to add an extra: still a plain mean."""

    id: ClassVar[str] = "gate_test_mean_extras"
    calls: ClassVar[int] = 0

    def aggregate(self, samples: Sequence[Sample], scores: Sequence[Score],
                  breakdown_keys: Sequence[str] = (), seed: int = 0) -> MetricSummary:
        type(self).calls += 1
        summary = super().aggregate(samples, scores, breakdown_keys, seed)
        summary.extra["note"] = "extras only"
        return summary


def test_aggregate_that_is_a_mean_takes_the_vectorised_path(tmp_path: Path) -> None:
    if METRICS.canonical(_MeanWithExtras.id) is None:
        register_metric(_MeanWithExtras)
    vals = _vals()
    worse = flip_correct_to_wrong(vals, 20)
    base = write_run(tmp_path / "b", "base", "t", {"gate_test_mean_extras": vals,
                                                  "exact_match": vals})
    cand = write_run(tmp_path / "c", "cand", "t", {"gate_test_mean_extras": worse,
                                                  "exact_match": worse})
    _MeanWithExtras.calls = 0
    by = {c.metric: c for c in run_gate(base, cand, GateConfig()).comparisons}
    probe = by["gate_test_mean_extras"]
    assert probe.method == "mean" and _MeanWithExtras.calls <= 2 * 6  # probes only
    # Same numbers as the plain-mean metric on the same values.
    plain = by["exact_match"]
    assert (probe.delta, probe.ci_low, probe.ci_high) == (plain.delta, plain.ci_low, plain.ci_high)
