"""Seeded paired cluster bootstrap of a change between candidate and baseline.

Both runs are resampled with the same cluster draws in each replicate, so what the pair
shares (how hard an item or an image is) cancels and only the change between checkpoints
remains; whole clusters are drawn, so correlated items (questions on one image, rotations of
one question, an item's judge runs) are never counted as independent evidence."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from eval_mm.core.bootstrap import (
    Statistic,
    cluster_index,
    cluster_labels,
    cluster_sums,
    count_chunks,
    replicates,
)


@dataclass(frozen=True)
class PairedEstimate:
    """Observed headlines on the paired units, their change and its bootstrap spread."""

    baseline: float
    candidate: float
    delta: float  # candidate - baseline, reported units
    se: float  # standard deviation of the resampled deltas
    clusters: int
    units: int
    resamples: int
    failed: int = 0  # resamples where either headline was undefined (dropped)
    unlabelled: int = 0  # units without a cluster label, resampled on their own


def shared_labels(
    base: Statistic, cand: Statistic, key: str | None
) -> tuple[list[str], list[str], int]:
    """Cluster labels of both sides' units, one label per unit id whichever side names it
    (the baseline first), and how many units have none."""
    label_of: dict[str, str] = {}
    for stat in (cand, base):  # the baseline overwrites: its metadata wins
        for uid, lab in zip(stat.unit_ids, cluster_labels(stat, key), strict=True):
            if not lab.startswith("unit:") or uid not in label_of:
                label_of[uid] = lab
    unlabelled = sum(1 for lab in label_of.values() if lab.startswith("unit:"))
    return ([label_of[u] for u in base.unit_ids], [label_of[u] for u in cand.unit_ids],
            unlabelled if key else 0)


def paired_statistics(
    base: Statistic, cand: Statistic, key: str | None, resamples: int, seed: int
) -> PairedEstimate:
    """Paired cluster bootstrap of cand - base, both given as `Statistic`s."""
    b0, c0 = base.value(), cand.value()
    if b0 is None or c0 is None:
        raise ValueError("the metric is undefined on the paired samples")
    b_labels, c_labels, unlabelled = shared_labels(base, cand, key)
    index, g = cluster_index(b_labels + c_labels)
    b_index, c_index = index[: len(b_labels)], index[len(b_labels):]
    if g < 2:
        raise ValueError("fewer than two clusters: nothing to resample")
    reps = replicates([(cluster_sums(base.columns, b_index, g), base.evaluate),
                       (cluster_sums(cand.columns, c_index, g), cand.evaluate)], g, resamples,
                      seed)
    deltas = reps[:, 1] - reps[:, 0]
    return _estimate(b0, c0, deltas, g, max(base.n_units, cand.n_units), resamples, unlabelled)


def paired_resampled(
    unit_ids: Sequence[str],
    unit_meta: Sequence[Mapping[str, object]],
    key: str | None,
    statistic: Callable[[np.ndarray], tuple[float | None, float | None]],
    resamples: int,
    seed: int,
) -> PairedEstimate:
    """Paired cluster bootstrap through a function of resampled unit indices (a scorer's own
    `aggregate` that has no vectorised statistic): a Python loop, so callers cap resamples."""
    n = len(unit_ids)
    b0, c0 = statistic(np.arange(n))
    if b0 is None or c0 is None:
        raise ValueError("the metric is undefined on the paired samples")
    probe = Statistic(list(unit_ids), list(unit_meta), np.zeros((n, 1)), lambda s: s[:, 0])
    labels = cluster_labels(probe, key)
    index, g = cluster_index(labels)
    if g < 2:
        raise ValueError("fewer than two clusters: nothing to resample")
    perm = np.argsort(index, kind="stable")  # units grouped by cluster
    sizes = np.bincount(index, minlength=g)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    deltas = []
    for counts in count_chunks(g, resamples, seed):
        for row in counts.astype(np.int64):
            picked = np.repeat(np.arange(g), row)  # clusters drawn, with repeats
            lengths = sizes[picked]
            # Unit positions of the drawn clusters, concatenated, without a Python loop.
            offsets = np.repeat(starts[picked] - np.cumsum(lengths) + lengths, lengths)
            b, c = statistic(perm[offsets + np.arange(lengths.sum())])
            deltas.append(np.nan if b is None or c is None else c - b)
    unlabelled = sum(lab.startswith("unit:") for lab in labels) if key else 0
    return _estimate(b0, c0, np.asarray(deltas), g, n, resamples, unlabelled)


def _estimate(b0: float, c0: float, deltas: np.ndarray, g: int, units: int, resamples: int,
              unlabelled: int) -> PairedEstimate:
    ok = deltas[np.isfinite(deltas)]
    if ok.size < max(2, resamples // 2):
        raise ValueError(f"the statistic is undefined on {deltas.size - ok.size} of "
                         f"{resamples} resamples")
    return PairedEstimate(float(b0), float(c0), float(c0 - b0), float(ok.std(ddof=1)), g, units,
                          resamples, int(deltas.size - ok.size), unlabelled)


@dataclass(frozen=True)
class PairedInterval:
    """A change of per-sample means with the gate's interval (`paired_mean`)."""

    delta: float
    low: float
    high: float
    se: float
    clusters: int
    resamples: int


def paired_mean(
    baseline: np.ndarray,
    candidate: np.ndarray,
    scale: float = 1.0,
    resamples: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
    clusters: Sequence[str] | None = None,
) -> PairedInterval:
    """mean(candidate) - mean(baseline) x scale over paired per-sample values, with the
    interval `eval-mm gate` reports for it: the paired bootstrap over `clusters` (one label
    per pair; each pair its own cluster without them), Student-t with G - 1 df. For callers
    outside the gate (the leaderboard's model comparison) that must agree with it.

    Raises ValueError with fewer than two clusters (no interval can be claimed)."""
    from eval_mm.core.bootstrap import mean_statistic
    from eval_mm.gate.stats import t_interval

    ids = [str(i) for i in range(len(baseline))]
    meta = [{"cluster": c} for c in clusters] if clusters is not None else [{}] * len(ids)
    key = "cluster" if clusters is not None else None
    est = paired_statistics(mean_statistic(baseline, ids, meta, scale),
                            mean_statistic(candidate, ids, meta, scale), key, resamples, seed)
    low, high = t_interval(est.delta, est.se, est.clusters, confidence)
    return PairedInterval(est.delta, low, high, est.se, est.clusters, resamples)
