"""Statistics of judge agreement for a judge migration (`eval-mm rejudge`), on plain numbers.

- rank agreement of systems (models): Spearman's rho and Kendall's tau (scipy.stats), and
  the pairs whose order swaps;
- level shift over systems: mean, range and a t interval across systems;
- chance-corrected agreement of ratings: quadratic-weighted Cohen's kappa for two judges
  (scikit-learn) and Krippendorff's alpha, interval level, for any number (`krippendorff`);
- the confusion matrix of two judges' ratings.

A rating is one judge run of one item (the 1-5 score, Heron's model score 1-10); kappa and
the confusion matrix use them rounded to integers, alpha the values as they are. The two
agreement libraries are the `agreement` extra: `pip install 'evalmm-ja[agreement]'`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from eval_mm.errors import UserError


def _finite(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _needs(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise UserError(
            f"judge agreement statistics need {module.split('.')[0]}: "
            "pip install 'evalmm-ja[agreement]'"
        ) from None


def rank_correlations(x: Sequence[float], y: Sequence[float]) -> dict[str, float | None]:
    """Spearman and Kendall (tau-b) correlation of two judges' headlines over systems;
    None with fewer than three systems or when one judge ranks all systems equal."""
    from scipy import stats

    if len(x) < 3 or len(set(x)) < 2 or len(set(y)) < 2:
        return {"spearman": None, "kendall": None}
    return {
        "spearman": _finite(stats.spearmanr(x, y)[0]),
        "kendall": _finite(stats.kendalltau(x, y)[0]),
    }


def swapped_pairs(
    names: Sequence[str], x: Sequence[float], y: Sequence[float]
) -> list[dict[str, Any]]:
    """Pairs of systems that the two judges order oppositely (a tie on one side is not a
    swap)."""
    out = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if (x[i] - x[j]) * (y[i] - y[j]) < 0:
                out.append(
                    {
                        "a": names[i],
                        "b": names[j],
                        "reference": [x[i], x[j]],
                        "judge": [y[i], y[j]],
                    }
                )
    return out


def level_shift(shifts: Sequence[float], confidence: float = 0.95) -> dict[str, Any]:
    """Mean shift over systems with a t interval across systems (what to expect for a
    system not in the set), and the range."""
    from scipy import stats

    arr = np.asarray(shifts, dtype=float)
    out: dict[str, Any] = {"n_systems": int(arr.size), "mean": None, "ci_low": None}
    out.update(ci_high=None, min=None, max=None)
    if arr.size == 0:
        return out
    out.update(mean=float(arr.mean()), min=float(arr.min()), max=float(arr.max()))
    if arr.size > 1:
        sem = float(arr.std(ddof=1)) / math.sqrt(arr.size)
        if sem == 0.0:
            out.update(ci_low=out["mean"], ci_high=out["mean"])
        else:
            lo, hi = stats.t.interval(confidence, arr.size - 1, loc=arr.mean(), scale=sem)
            out.update(ci_low=float(lo), ci_high=float(hi))
    return out


def labels_for(a: Sequence[float], b: Sequence[float], scale: tuple[int, int] | None) -> list[int]:
    """The rating labels of a scale (1..5), widened to any observed value outside it."""
    seen = {round(v) for v in [*a, *b]}
    lo, hi = scale if scale is not None else (min(seen, default=0), max(seen, default=0))
    if seen:
        lo, hi = min(lo, min(seen)), max(hi, max(seen))
    return list(range(lo, hi + 1))


def quadratic_kappa(a: Sequence[float], b: Sequence[float], labels: Sequence[int]) -> float | None:
    """Cohen's kappa with quadratic weights of paired ratings (None when undefined: no
    pair, or no variation to correct for chance)."""
    if len(a) < 2:
        return None
    metrics = _needs("sklearn.metrics")
    ra, rb = [round(v) for v in a], [round(v) for v in b]
    with np.errstate(all="ignore"):
        value = metrics.cohen_kappa_score(ra, rb, labels=list(labels), weights="quadratic")
    return _finite(value)


def confusion(a: Sequence[float], b: Sequence[float], labels: Sequence[int]) -> list[list[int]]:
    """counts[i][j]: ratings `labels[i]` by the reference judge and `labels[j]` by the other."""
    index = {lab: k for k, lab in enumerate(labels)}
    out = [[0] * len(labels) for _ in labels]
    for x, y in zip(a, b, strict=True):
        out[index[round(x)]][index[round(y)]] += 1
    return out


def krippendorff_alpha(ratings: Sequence[Sequence[float | None]]) -> float | None:
    """Krippendorff's alpha (interval) of judges x units; None marks a missing rating."""
    if len(ratings) < 2:
        return None
    data = np.array([[np.nan if v is None else v for v in row] for row in ratings], dtype=float)
    pairable = (~np.isnan(data)).sum(axis=0) >= 2
    if pairable.sum() < 2:
        return None
    data = data[:, pairable]
    values = data[~np.isnan(data)]
    if np.unique(values).size < 2:
        return None  # no variation: agreement is not measurable
    kd = _needs("krippendorff")
    return _finite(kd.alpha(reliability_data=data, level_of_measurement="interval"))


def rating_agreement(
    a: Sequence[float], b: Sequence[float], scale: tuple[int, int] | None
) -> dict[str, Any]:
    """Everything about two judges' paired ratings: kappa, exact and within-one shares,
    mean difference, confusion matrix with its labels."""
    labels = labels_for(a, b, scale)
    diffs = [round(y) - round(x) for x, y in zip(a, b, strict=True)]
    n = len(diffs)
    return {
        "units": n,
        "quadratic_kappa": quadratic_kappa(a, b, labels),
        "exact": sum(d == 0 for d in diffs) / n if n else None,
        "within_1": sum(abs(d) <= 1 for d in diffs) / n if n else None,
        "mean_difference": float(np.mean([y - x for x, y in zip(a, b, strict=True)]))
        if n
        else None,
        "labels": labels,
        "confusion": confusion(a, b, labels),
    }
