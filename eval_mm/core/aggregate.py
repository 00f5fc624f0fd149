"""Aggregation: per-sample scores to reported numbers with counts and confidence intervals."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from eval_mm.core.bootstrap import DEFAULT_RESAMPLES, Statistic, interval

BOOTSTRAP_RESAMPLES = DEFAULT_RESAMPLES


@dataclass
class MetricSummary:
    """One metric of one run, as reported.

    `value` is None when nothing could be scored. `n` counts scored samples; `unscored`
    counts the excluded ones, by reason in `unscored_reasons`. `extra` holds named
    sub-numbers (per-category scores, per-run means, std over judge runs, unparsed counts).
    `breakdown` maps a metadata key to {group: {"value", "n"}}.

    The interval [`ci_low`, `ci_high`] is a seeded bootstrap of the headline's own statistic:
    `ci_method` ("cluster bootstrap" over `ci_clusters` clusters of metadata key
    `ci_cluster_key`, or "item bootstrap" when every unit is its own cluster), `ci_resamples`
    resamples, two-sided level `ci_level`. None when there is no interval (see
    `extra["ci_missing"]`).
    """

    value: float | None
    n: int
    unscored: int = 0
    unscored_reasons: dict[str, int] = field(default_factory=dict)
    ci_low: float | None = None
    ci_high: float | None = None
    scale: float = 100.0
    extra: dict[str, Any] = field(default_factory=dict)
    breakdown: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    ci_method: str | None = None
    ci_level: float | None = None
    ci_resamples: int | None = None
    ci_clusters: int | None = None
    ci_cluster_key: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_json(d: dict[str, Any]) -> MetricSummary:
        """From a summary.json entry, which may carry more keys (its fingerprint...)."""
        known = {f.name for f in fields(MetricSummary)}
        return MetricSummary(**{k: v for k, v in d.items() if k in known})


def with_interval(
    summary: MetricSummary,
    stat: Statistic,
    cluster_key: str | None = None,
    seed: int = 0,
    resamples: int = BOOTSTRAP_RESAMPLES,
    level: float = 0.95,
) -> MetricSummary:
    """`summary` with the cluster bootstrap interval of `stat`, the scorer's headline statistic.

    The interval is attached only when `stat` reproduces the summary's headline: an interval
    of another statistic (say the item mean under a macro average) would describe a different
    number."""
    cleared = replace(summary, ci_low=None, ci_high=None, ci_method=None, ci_level=None,
                      ci_resamples=None, ci_clusters=None, ci_cluster_key=None)
    value = stat.value()
    if summary.value is None or value is None:
        return cleared
    if not math.isclose(value, summary.value, rel_tol=1e-9, abs_tol=1e-9):
        why = f"the scorer's statistic ({value:.6g}) is not its headline ({summary.value:.6g})"
        return replace(cleared, extra={**summary.extra, "ci_missing": why})
    iv = interval(stat, cluster_key, seed, resamples, level)
    if iv is None:
        why = "fewer than two clusters, or the statistic is undefined on most resamples"
        return replace(cleared, extra={**summary.extra, "ci_missing": why})
    return replace(cleared, ci_low=iv.low, ci_high=iv.high, ci_method=iv.method,
                   ci_level=level, ci_resamples=iv.resamples, ci_clusters=iv.clusters,
                   ci_cluster_key=cluster_key if iv.clusters < stat.n_units else None)


def group_means(
    values: Sequence[float | None],
    metadata: Sequence[dict[str, Any]],
    key: str,
    scale: float = 100.0,
) -> dict[str, dict[str, Any]]:
    """Mean per value of a metadata key, over scored samples only."""
    groups: dict[str, list[float]] = defaultdict(list)
    for v, meta in zip(values, metadata):
        if v is None or key not in meta:
            continue
        groups[str(meta[key])].append(v)
    # Plain sums: the gate may call this thousands of times on small groups.
    return {
        g: {"value": math.fsum(vs) / len(vs) * scale, "n": len(vs)}
        for g, vs in sorted(groups.items())
    }


def macro_mean(group_values: dict[str, dict[str, Any]]) -> float | None:
    """Unweighted mean of group means (each group counts once, whatever its size)."""
    vals = [g["value"] for g in group_values.values() if g.get("value") is not None]
    return math.fsum(vals) / len(vals) if vals else None


def summarise(
    values: Sequence[float | None],
    reasons: Sequence[str | None],
    metadata: Sequence[dict[str, Any]],
    breakdown_keys: Sequence[str] = (),
    scale: float = 100.0,
    seed: int = 0,
) -> MetricSummary:
    """Mean of scored values x scale; failures are counted, never averaged in.

    No interval here: `with_interval` adds it from the scorer's statistic and the task's
    cluster key (`Scorer.summary`)."""
    scored = [float(v) for v in values if v is not None]
    reasons_count = Counter(r or "unknown" for v, r in zip(values, reasons) if v is None)
    return MetricSummary(
        value=math.fsum(scored) / len(scored) * scale if scored else None,
        n=len(scored),
        unscored=sum(reasons_count.values()),
        unscored_reasons=dict(reasons_count),
        scale=scale,
        breakdown={k: group_means(values, metadata, k, scale) for k in breakdown_keys},
    )
