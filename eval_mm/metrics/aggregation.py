"""Aggregation helpers for what the tasks report (spec metrics.md §0.3, §9-§14).

Per-category / per-subgroup means, macro vs micro averages, run mean and sample std, and the
headline statistics that are not plain means (macro over groups, ratio of sums) in the form
the cluster bootstrap resamples (`eval_mm.core.bootstrap`). All values in 0..1 unless a
`scale` is given; None values (unscored) are always left out, never averaged in.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from eval_mm.core.aggregate import MetricSummary, macro_mean
from eval_mm.core.bootstrap import Statistic, interval, mean_statistic, ratio

__all__ = [
    "drop_reason",
    "group_summary",
    "interval",
    "macro_mean",
    "macro_over_groups",
    "macro_statistic",
    "mean_statistic",
    "mean_std",
    "micro_mean",
    "ratio_statistic",
]


def micro_mean(values: Sequence[float | None], scale: float = 1.0) -> float | None:
    """Instance-weighted mean of the scored values (None when nothing was scored)."""
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) * scale if vals else None


def group_summary(
    values: Sequence[float | None], groups: Sequence[Hashable | None], scale: float = 1.0
) -> dict[str, dict[str, Any]]:
    """{group: {"value": mean x scale, "n": scored count}}, sorted by group name.

    Items whose group is None are left out (callers report them separately)."""
    buckets: dict[str, list[float]] = defaultdict(list)
    for v, g in zip(values, groups, strict=True):
        if v is not None and g is not None:
            buckets[str(g)].append(v)
    return {
        g: {"value": sum(vs) / len(vs) * scale, "n": len(vs)} for g, vs in sorted(buckets.items())
    }


def macro_over_groups(
    values: Sequence[float | None], groups: Sequence[Hashable | None], scale: float = 1.0
) -> tuple[float | None, dict[str, dict[str, Any]]]:
    """Unweighted mean of the group means (each group counts once) and the groups themselves."""
    per = group_summary(values, groups, scale)
    return macro_mean(per), per


def mean_std(values: Sequence[float]) -> tuple[float | None, float | None]:
    """Mean and sample standard deviation (n - 1) over runs; std is None for fewer than 2."""
    if not values:
        return None, None
    mean = statistics.fmean(values)
    return mean, (statistics.stdev(values) if len(values) > 1 else None)


def drop_reason(summary: MetricSummary, reason: str, extra_key: str) -> MetricSummary:
    """Move items unscored for `reason` (out of scope, not failures) from the counts to extra."""
    reasons = dict(summary.unscored_reasons)
    count = reasons.pop(reason, 0)
    return replace(
        summary,
        unscored=summary.unscored - count,
        unscored_reasons=reasons,
        extra={**summary.extra, extra_key: count},
    )


def macro_statistic(
    values: Sequence[float | None],
    groups: Sequence[Hashable | None],
    unit_ids: Sequence[str],
    unit_meta: Sequence[Mapping[str, Any]],
    scale: float = 1.0,
) -> Statistic:
    """Unweighted mean of group means x scale (`macro_over_groups`) over scored, grouped items.

    A resample without some group averages the groups it has, as the headline would."""
    keep = [i for i, (v, g) in enumerate(zip(values, groups, strict=True))
            if v is not None and g is not None]
    names = sorted({str(groups[i]) for i in keep})
    cols = np.zeros((len(keep), 2 * len(names)))
    for row, i in enumerate(keep):
        j = names.index(str(groups[i]))
        cols[row, 2 * j], cols[row, 2 * j + 1] = float(values[i] or 0.0), 1.0

    def combine(s: np.ndarray) -> np.ndarray:
        means = ratio(s[:, 0::2], s[:, 1::2])
        present = ~np.isnan(means)
        return scale * ratio(np.where(present, means, 0.0).sum(axis=1), present.sum(axis=1))

    return Statistic([unit_ids[i] for i in keep], [unit_meta[i] for i in keep], cols, combine,
                     scale=scale)


def ratio_statistic(
    numerators: Sequence[float],
    denominators: Sequence[float],
    unit_ids: Sequence[str],
    unit_meta: Sequence[Mapping[str, Any]],
    scale: float = 1.0,
) -> Statistic:
    """sum(numerators) / sum(denominators) x scale (a micro average of counts)."""
    cols = np.stack([np.asarray(numerators, float), np.asarray(denominators, float)], axis=1) \
        if len(numerators) else np.zeros((0, 2))
    return Statistic(list(unit_ids), list(unit_meta), cols,
                     lambda s: scale * ratio(s[:, 0], s[:, 1]), scale=scale)
