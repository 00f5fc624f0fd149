"""The gate's tests: one-sided p-values for "dropped by more than the tolerance", Holm's
step-down adjustment across metrics, the exact McNemar test for paired binary outcomes, and
the minimum detectable effect of a comparison.

Levels are one-sided: a regression is a drop, never a rise. With `confidence` c the gate's
family-wise level is alpha = (1 - c) / 2, the tail beyond a two-sided c interval."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def small_sample_scale(n_clusters: int) -> float:
    """sqrt(G / (G - 1)): the bootstrap variance is (G - 1) / G of the unbiased one."""
    return math.sqrt(n_clusters / (n_clusters - 1))


def t_quantile(q: float, n_clusters: int) -> float:
    from scipy.special import stdtrit

    return float(stdtrit(n_clusters - 1, q))


def drop_p_value(delta: float, se: float, tolerance: float, n_clusters: int) -> float:
    """One-sided p-value of H0 "the true change is at least -tolerance" against a larger drop,
    from the paired cluster bootstrap's standard error with G - 1 degrees of freedom."""
    from scipy.special import stdtr

    if se <= 0.0:
        return 0.0 if delta < -tolerance else 1.0
    t = (delta + tolerance) / (se * small_sample_scale(n_clusters))
    return float(stdtr(n_clusters - 1, t))


def t_interval(delta: float, se: float, n_clusters: int, confidence: float) -> tuple[float, float]:
    """delta -/+ t_{G-1} * sqrt(G / (G - 1)) * se: the interval dual to `drop_p_value`."""
    half = t_quantile((1.0 + confidence) / 2.0, n_clusters) * small_sample_scale(n_clusters) * se
    return delta - half, delta + half


def min_detectable_drop(se: float, n_clusters: int, alpha: float, power: float) -> float:
    """The smallest true drop beyond the tolerance that a one-sided test at `alpha` reports
    with probability `power`: (t_{1-alpha} + t_{power}) * sqrt(G / (G - 1)) * se.

    `se` is the paired bootstrap's standard error, so it already holds n, the pairing (what
    both runs share cancels), the clusters, and the observed discordance between the runs."""
    k = t_quantile(1.0 - alpha, n_clusters) + t_quantile(power, n_clusters)
    return k * small_sample_scale(n_clusters) * se


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (Holm 1979): sorted ascending, the i-th (from 0) of
    m is multiplied by m - i, made monotone, capped at 1. Rejecting adjusted p <= alpha holds
    the family-wise error rate at alpha under any dependence between the tests."""
    m = len(p_values)
    order = np.argsort(np.asarray(p_values, dtype=float), kind="stable")
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * float(p_values[i])))
        adjusted[i] = running
    return adjusted


def bonferroni(p_values: Sequence[float]) -> list[float]:
    m = len(p_values)
    return [min(1.0, m * float(p)) for p in p_values]


def mcnemar_drop_p(worse: int, better: int, n: int, tolerance: float = 0.0) -> float:
    """Exact McNemar test of a drop, one-sided, conditional on the discordant pairs.

    `worse` pairs went right -> wrong, `better` wrong -> right, out of `n` pairs; the change
    is (better - worse) / n and `tolerance` the allowed drop as a fraction. Given d = worse +
    better discordant pairs, `worse` is Binomial(d, pi) with pi = 1/2 + tolerance * n / (2d)
    at the boundary of H0 "the drop is at most the tolerance"; the p-value is
    P(X >= worse). With zero tolerance this is the textbook exact McNemar test (one-sided)."""
    from scipy.stats import binomtest

    d = worse + better
    if d == 0:
        return 1.0
    pi = 0.5 + tolerance * n / (2.0 * d)
    if pi >= 1.0:
        return 1.0  # even all discordant pairs going wrong would be within the tolerance
    return float(binomtest(worse, d, pi, alternative="greater").pvalue)
