"""Aggregation: per-sample scores to reported numbers with counts and confidence intervals."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np

BOOTSTRAP_RESAMPLES = 1000


@dataclass
class MetricSummary:
    """One metric of one run, as reported.

    `value` is None when nothing could be scored. `n` counts scored samples; `unscored`
    counts the excluded ones, by reason in `unscored_reasons`. `extra` holds named
    sub-numbers (per-category scores, per-run means, std over judge runs, unparsed counts).
    `breakdown` maps a metadata key to {group: {"value", "n"}}.
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

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_json(d: dict[str, Any]) -> MetricSummary:
        """From a summary.json entry, which may carry more keys (its fingerprint...)."""
        known = {f.name for f in fields(MetricSummary)}
        return MetricSummary(**{k: v for k, v in d.items() if k in known})


_CI_OFF: ContextVar[bool] = ContextVar("eval_mm_ci_off", default=False)


@contextmanager
def without_ci() -> Iterator[None]:
    """Skip bootstrap CIs inside this block: for callers that recompute a metric thousands of
    times and read only its headline (the gate's paired resampling)."""
    token = _CI_OFF.set(True)
    try:
        yield
    finally:
        _CI_OFF.reset(token)


def bootstrap_ci(
    values: Sequence[float] | np.ndarray,
    seed: int = 0,
    resamples: int = BOOTSTRAP_RESAMPLES,
    level: float = 0.95,
) -> tuple[float, float] | None:
    """Percentile bootstrap CI of the mean (item-level resampling, fixed seed)."""
    arr = np.asarray(values, dtype=float)
    if arr.size == 0 or _CI_OFF.get():
        return None
    if arr.size == 1:
        return float(arr[0]), float(arr[0])
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, arr.size, size=(resamples, arr.size))
    means = arr[idx].mean(axis=1)
    alpha = (1.0 - level) / 2.0
    lo, hi = np.quantile(means, [alpha, 1.0 - alpha])
    return float(lo), float(hi)


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
    return {
        g: {"value": float(np.mean(vs)) * scale, "n": len(vs)} for g, vs in sorted(groups.items())
    }


def macro_mean(group_values: dict[str, dict[str, Any]]) -> float | None:
    """Unweighted mean of group means (each group counts once, whatever its size)."""
    vals = [g["value"] for g in group_values.values() if g.get("value") is not None]
    return float(np.mean(vals)) if vals else None


def summarise(
    values: Sequence[float | None],
    reasons: Sequence[str | None],
    metadata: Sequence[dict[str, Any]],
    breakdown_keys: Sequence[str] = (),
    scale: float = 100.0,
    seed: int = 0,
) -> MetricSummary:
    """Mean of scored values x scale; failures are counted, never averaged in."""
    scored = np.asarray([v for v in values if v is not None], dtype=float)
    reasons_count = Counter(r or "unknown" for v, r in zip(values, reasons) if v is None)
    ci = bootstrap_ci(scored, seed=seed)
    return MetricSummary(
        value=float(scored.mean()) * scale if scored.size else None,
        n=int(scored.size),
        unscored=sum(reasons_count.values()),
        unscored_reasons=dict(reasons_count),
        ci_low=ci[0] * scale if ci else None,
        ci_high=ci[1] * scale if ci else None,
        scale=scale,
        breakdown={k: group_means(values, metadata, k, scale) for k in breakdown_keys},
    )
