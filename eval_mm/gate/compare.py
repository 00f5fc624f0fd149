"""The gate itself: pair runs by task, measure every shared metric, decide verdicts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from eval_mm.errors import UserError
from eval_mm.gate.compat import Selection, check_selection, check_task, judge_mismatch
from eval_mm.gate.config import GateConfig
from eval_mm.gate.measure import NotAssessed, measure
from eval_mm.gate.pairing import pair_scores
from eval_mm.gate.runs import Run, load_runs
from eval_mm.gate.verdict import (
    INCONCLUSIVE,
    PASS,
    REGRESSION,
    SKIPPED,
    decide,
    exit_code,
    overall,
)

__all__ = ["INCONCLUSIVE", "PASS", "REGRESSION", "SKIPPED", "GateResult", "MetricComparison",
           "TaskPair", "run_gate"]


@dataclass
class MetricComparison:
    task: str
    metric: str
    kind: str
    version: str | None
    gated: bool
    verdict: str  # pass | regression | inconclusive | skipped
    reason: str | None = None  # why inconclusive (underpowered, not assessed)
    improved: bool = False  # the whole interval lies above 0
    method: str = "mean"  # "mean", the scorer's vectorised "statistic", or its "aggregate"
    baseline: float | None = None  # headline on the paired samples, reported units
    candidate: float | None = None
    delta: float | None = None
    ci_low: float | None = None  # two-sided `confidence` interval of delta, unadjusted
    ci_high: float | None = None
    confidence: float | None = None
    se: float | None = None  # paired cluster bootstrap standard error of delta
    cluster_key: str | None = None
    clusters: int | None = None
    units: int | None = None
    resamples: int | None = None
    failed_resamples: int = 0
    test: str | None = None  # what decided: "bootstrap t" or "exact McNemar"
    p_value: float | None = None  # one-sided, H0: the drop is at most the tolerance
    p_adjusted: float | None = None  # after the multiple-comparison correction
    p_within: float | None = None  # one-sided, H0: the drop exceeds the tolerance
    alpha: float | None = None  # family-wise one-sided level
    mde: float | None = None  # smallest drop detected with the configured power
    mcnemar: dict[str, Any] | None = None
    tolerance: float | None = None  # allowed drop, reported units
    tolerance_rule: str = ""
    n: int = 0
    n_common: int = 0
    unscored_baseline: int = 0
    unscored_candidate: int = 0
    missing: int = 0
    baseline_reported: float | None = None  # summary.json headline (all of the run's samples)
    candidate_reported: float | None = None
    note: str | None = None
    flips: dict[str, Any] = field(default_factory=dict)

    @property
    def fails(self) -> bool:
        return self.gated and self.verdict == REGRESSION

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TaskPair:
    task: str
    baseline: Run
    candidate: Run
    selection: Selection

    def to_json(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "version": self.baseline.task.get("version"),
            "cluster_key": self.baseline.cluster_key or self.candidate.cluster_key,
            "baseline": {"path": str(self.baseline.path), "model": self.baseline.model_id},
            "candidate": {"path": str(self.candidate.path), "model": self.candidate.model_id,
                          "browser_run": self.candidate.browser_run},
            "selection": self.selection.to_json(),
        }


@dataclass
class GateResult:
    config: GateConfig
    tasks: list[TaskPair]
    comparisons: list[MetricComparison]
    notes: list[str] = field(default_factory=list)

    @property
    def regressions(self) -> list[MetricComparison]:
        return [c for c in self.comparisons if c.fails]

    @property
    def inconclusive(self) -> list[MetricComparison]:
        return [c for c in self.comparisons if c.gated and c.verdict == INCONCLUSIVE]

    @property
    def verdict(self) -> str:
        return overall(self.comparisons)

    @property
    def passed(self) -> bool:
        return self.verdict == PASS

    @property
    def exit_code(self) -> int:
        return exit_code(self.verdict, self.config.strict)


def _compare_metric(pair: TaskPair, metric: str, cfg: GateConfig) -> MetricComparison:
    base, cand = pair.baseline, pair.candidate
    task = pair.task
    kind = base.metric_kind(metric)
    rule = cfg.rule(task, metric)
    tol = cfg.tolerance(task, metric, kind)
    paired = pair_scores(base, cand, metric)
    out = MetricComparison(
        task, metric, kind, base.metric_version(metric), rule.gate, PASS,
        confidence=cfg.confidence, n=paired.n, n_common=paired.n_common,
        unscored_baseline=paired.unscored_baseline, unscored_candidate=paired.unscored_candidate,
        missing=paired.missing, tolerance_rule=tol.describe(),
        baseline_reported=(base.metrics.get(metric) or {}).get("value"),
        candidate_reported=(cand.metrics.get(metric) or {}).get("value"),
    )
    if paired.n_common and (paired.n_common - paired.missing) / paired.n_common < cfg.min_overlap:
        raise UserError(f"{task}/{metric}: {paired.missing} of {paired.n_common} common samples "
                        f"have no score in one of the runs; finish scoring with `eval-mm score`")
    if paired.n == 0:
        raise UserError(f"{task}/{metric}: no sample is scored in both runs, nothing to compare")
    try:
        m = measure(base, cand, metric, paired, resamples=cfg.resamples, seed=cfg.seed,
                    confidence=cfg.confidence)
    except NotAssessed as exc:
        out.cluster_key = base.cluster_key or cand.cluster_key
        out.verdict, out.reason = INCONCLUSIVE, f"not assessed: {exc}"
        return out
    est = m.estimate
    out.method, out.cluster_key, out.note = m.method, m.cluster_key, m.note
    out.baseline, out.candidate, out.delta, out.se = est.baseline, est.candidate, est.delta, est.se
    out.clusters, out.units, out.resamples = est.clusters, est.units, m.resamples
    out.failed_resamples = est.failed
    out.ci_low, out.ci_high = m.ci
    out.tolerance = tol.allowance(est.baseline)  # a relative one: of the paired baseline
    out.p_value, out.test, out.mcnemar = m.drop_test(out.tolerance)
    out.p_within = m.within_p(out.tolerance)
    out.flips = m.flips
    out.improved = out.ci_low > 0
    return out


def _pair_tasks(base_runs: dict[str, Run], cand_runs: dict[str, Run], cfg: GateConfig,
                notes: list[str]) -> list[TaskPair]:
    wanted = cfg.tasks if cfg.tasks is not None else sorted(base_runs)
    unknown = [t for t in wanted if t not in base_runs]
    if unknown:
        raise UserError(f"task(s) {', '.join(unknown)} not in the baseline "
                        f"(baseline has: {', '.join(sorted(base_runs))})")
    missing = [t for t in wanted if t not in cand_runs]
    if missing:
        raise UserError(f"the candidate has no run of task(s) {', '.join(missing)}; evaluate them "
                        "or restrict the gate with --tasks")
    extra = sorted(set(cand_runs) - set(base_runs))
    if extra:
        notes.append(f"candidate tasks without a baseline (not gated): {', '.join(extra)}")
    pairs = []
    for task in wanted:
        base, cand = base_runs[task], cand_runs[task]
        notes.extend(check_task(base, cand))
        pairs.append(TaskPair(task, base, cand, check_selection(base, cand, cfg.min_overlap)))
    return pairs


def _metrics_to_compare(pair: TaskPair, cfg: GateConfig, notes: list[str]) -> list[str]:
    base, cand = pair.baseline, pair.candidate
    names = [m for m in base.metrics if m in cand.metrics]
    if cfg.metrics is not None:
        names = [m for m in names if m in cfg.metrics]
    one_side = sorted(set(base.metrics) ^ set(cand.metrics))
    if cfg.metrics is not None:
        one_side = [m for m in one_side if m in cfg.metrics]
    if one_side:
        notes.append(f"{pair.task}: metrics in only one run (not compared): {', '.join(one_side)}")
    for m in names:
        bv, cv = base.metric_version(m), cand.metric_version(m)
        if bv != cv:
            raise UserError(f"{pair.task}/{m}: baseline scored with version {bv}, candidate with "
                            f"{cv}; rescore the older run with `eval-mm score RUN --rescore`")
    return names


def run_gate(baseline: Path, candidate: Path, cfg: GateConfig) -> GateResult:
    """Compare every task metric present in both; raises UserError on data that cannot be gated."""
    notes: list[str] = []
    base_runs, cand_runs = load_runs(baseline, "baseline"), load_runs(candidate, "candidate")
    pairs = _pair_tasks(base_runs, cand_runs, cfg, notes)
    plan: list[tuple[TaskPair, str]] = []
    skipped: list[MetricComparison] = []
    for pair in pairs:
        for metric in _metrics_to_compare(pair, cfg, notes):
            kind = pair.baseline.metric_kind(metric)
            why = judge_mismatch(pair.baseline, pair.candidate, metric) if kind == "judge" else None
            if why is None:
                plan.append((pair, metric))
            elif cfg.skip_judge_mismatch:
                skipped.append(MetricComparison(
                    pair.task, metric, kind, pair.baseline.metric_version(metric),
                    cfg.rule(pair.task, metric).gate, SKIPPED, note=why))
            else:
                raise UserError(
                    f"{pair.task}/{metric}: {why}. Judge scores are only comparable with the same "
                    "judge model and prompt version: re-judge one run with `eval-mm score RUN "
                    "--metrics METRIC --rescore --judge-model ... --judge-prompt ...`, or pass "
                    "--skip-judge-mismatch")
    if not plan and not skipped:
        raise UserError("no metric is present in both baseline and candidate")
    comparisons = [_compare_metric(p, m, cfg) for p, m in plan] + skipped
    decide(comparisons, cfg.confidence, cfg.correction, cfg.power)
    return GateResult(cfg, pairs, comparisons, notes)
