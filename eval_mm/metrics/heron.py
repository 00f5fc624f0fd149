"""Heron-Bench relative-score aggregation (spec metrics.md §12.2-§12.5), as pure functions.

Input per judge run: one `HeronItem` per judged item — its category (`conv`, `detail`,
`complex`) and the parsed pair (reference score, model score). Legacy aggregations take the
legacy pairs, where a parse failure is (-1, -1) and is averaged in on purpose; the strict one
takes None for an unscored item. The judge engine registers the scorers and calls these.

`heron_statistic` is the same headline (per run, then the mean over runs) as a function of
sums over items, so that the cluster bootstrap can resample it in one matrix product.
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from eval_mm.core.bootstrap import Statistic, ratio
from eval_mm.metrics.aggregation import mean_std

log = logging.getLogger(__name__)

CATEGORIES = ("conv", "detail", "complex")


@dataclass(frozen=True)
class HeronItem:
    category: str
    pair: tuple[float, float] | None  # (score_ref, score_model); None = unscored (strict)


@dataclass
class HeronResult:
    """One run: headline (None = undefined), `rel[c]` per category, and extra details."""

    headline: float | None
    rel: dict[str, float | None]
    extra: dict[str, Any] = field(default_factory=dict)


def _by_category(items: Sequence[HeronItem]) -> dict[str, list[tuple[float, float] | None]]:
    out: dict[str, list[tuple[float, float] | None]] = {c: [] for c in CATEGORIES}
    for it in items:
        out.setdefault(it.category, []).append(it.pair)
    return out


def _legacy_pairs(pairs: Sequence[tuple[float, float] | None]) -> list[tuple[float, float]]:
    return [p if p is not None else (-1.0, -1.0) for p in pairs]


def heron_legacy(items: Sequence[HeronItem]) -> HeronResult:
    """Reference implementation (`heron_rel_legacy`, §12.2).

    Per category: skipped (0) when empty or its mean model score is exactly -1; else
    100 * mean(model) / max(0.01, mean(ref)). Headline = sum / 3. Extra: `overall` (mean raw
    model score, -1s included), `parse_error_count`, `raw` per-category mean model scores."""
    rel: dict[str, float | None] = {}
    raw: dict[str, float | None] = {}
    for c, pairs in _by_category(items).items():
        ps = _legacy_pairs(pairs)
        if not ps:
            rel[c], raw[c] = 0.0, None
            continue
        model = statistics.fmean(m for _, m in ps)
        ref = statistics.fmean(r for r, _ in ps)
        raw[c] = model
        rel[c] = 0.0 if model == -1 else 100.0 * model / max(0.01, ref)
    all_model = [m for _, m in _legacy_pairs([it.pair for it in items])]
    extra = {
        "overall": statistics.fmean(all_model) if all_model else None,
        "parse_error_count": sum(1 for m in all_model if m == -1),
        "raw": raw,
    }
    return HeronResult(sum(rel[c] or 0.0 for c in CATEGORIES) / 3, rel, extra)


def heron_original(items: Sequence[HeronItem]) -> HeronResult:
    """Benchmark authors' script (`heron_rel_original`, §12.3): 100 * mean(model) /
    mean(reference) over all items, -1s included, no floor, no skip. A category with no items
    (or a zero reference mean) makes its value and the headline undefined (None)."""
    rel: dict[str, float | None] = {}
    for c, pairs in _by_category(items).items():
        ps = _legacy_pairs(pairs)
        ref = statistics.fmean(r for r, _ in ps) if ps else 0.0
        rel[c] = 100.0 * statistics.fmean(m for _, m in ps) / ref if ps and ref else None
    vals = [rel[c] for c in CATEGORIES]
    head = None if any(v is None for v in vals) else sum(v or 0.0 for v in vals) / 3
    return HeronResult(head, rel)


def heron_strict(items: Sequence[HeronItem]) -> HeronResult:
    """Strict (`heron_rel`, §12.4): unscored items dropped; per category 100 * mean(model) /
    mean(ref); a category without scored items makes the headline None (warned), never 0.
    Extra: `unscored` per category."""
    rel: dict[str, float | None] = {}
    unscored: dict[str, int] = {}
    for c, pairs in _by_category(items).items():
        ok = [p for p in pairs if p is not None]
        unscored[c] = len(pairs) - len(ok)
        ref = statistics.fmean(r for r, _ in ok) if ok else 0.0
        rel[c] = 100.0 * statistics.fmean(m for _, m in ok) / ref if ok and ref else None
    vals = [rel[c] for c in CATEGORIES]
    if any(v is None for v in vals):
        missing = [c for c in CATEGORIES if rel[c] is None]
        log.warning("heron_rel: no scored item in %s; headline undefined", ", ".join(missing))
        head = None
    else:
        head = sum(v or 0.0 for v in vals) / 3
    return HeronResult(head, rel, {"unscored": unscored})


def combine_runs(results: Sequence[HeronResult]) -> dict[str, Any]:
    """Mean and sample std (n - 1) over judge runs of the headline and of each `rel_c`
    (§12.5). Undefined run values are left out and counted in `missing`."""
    out: dict[str, Any] = {"runs": len(results)}
    keys = [("headline", [r.headline for r in results])]
    keys += [(f"{c}_rel", [r.rel.get(c) for r in results]) for c in CATEGORIES]
    for name, vals in keys:
        defined = [v for v in vals if v is not None]
        mean, std = mean_std(defined)
        out[name] = {"mean": mean, "std": std, "per_run": vals, "missing": len(vals) - len(defined)}
    return out


def _sums_by_run_and_category(s: np.ndarray, runs: int) -> tuple[np.ndarray, ...]:
    """(R x runs x categories) sums of model scores, reference scores and item counts."""
    cube = s.reshape(s.shape[0], runs, len(CATEGORIES), 3)
    return cube[..., 0], cube[..., 1], cube[..., 2]


def category_rel(s: np.ndarray, runs: int, variant: str) -> np.ndarray:
    """R x runs x categories relative scores from summed columns; NaN = undefined.

    legacy (§12.2): an empty category, or one whose mean model score is exactly -1, counts 0;
    the reference mean is floored at 0.01. strict / original (§12.3-4): undefined when the
    category has no item or its reference scores sum to 0."""
    model, ref, count = _sums_by_run_and_category(s, runs)
    if variant == "legacy":
        skipped = (count == 0) | (model == -count)
        rel = 100.0 * ratio(model, count) / np.maximum(0.01, ratio(ref, count))
        return np.where(skipped, 0.0, rel)
    return np.where(count > 0, 100.0 * ratio(model, ref), np.nan)


def _mean_defined(x: np.ndarray, axis: int) -> np.ndarray:
    """Mean over `axis` of the finite entries; NaN where there is none."""
    ok = np.isfinite(x)
    return ratio(np.where(ok, x, 0.0).sum(axis=axis), ok.sum(axis=axis))


def heron_statistic(
    categories: Sequence[str],
    pairs: np.ndarray,
    variant: str,
    unit_ids: Sequence[str],
    unit_meta: Sequence[Mapping[str, Any]],
) -> Statistic:
    """The headline of `variant` over judge runs as a `Statistic` with one unit per item.

    `pairs[i, k]` is item i's (reference, model) score in run k, NaN when unscored (strict
    drops it; legacy and original count it as (-1, -1), as their per-run functions do).
    Per run the headline is the mean of the three category scores (undefined when one is,
    strict and original); the statistic is the mean over runs of the defined run headlines."""
    pairs = np.asarray(pairs, dtype=float).reshape(len(categories), -1, 2)
    n, runs = pairs.shape[:2]
    missing = np.isnan(pairs).any(axis=2)
    if variant != "strict":
        pairs = np.where(missing[..., None], -1.0, pairs)
        missing = np.zeros_like(missing)
    cols = np.zeros((n, runs, len(CATEGORIES), 3))
    for c, name in enumerate(CATEGORIES):
        in_c = np.asarray([cat == name for cat in categories], dtype=bool)[:, None] & ~missing
        cols[:, :, c, 0] = np.where(in_c, pairs[..., 1], 0.0)
        cols[:, :, c, 1] = np.where(in_c, pairs[..., 0], 0.0)
        cols[:, :, c, 2] = in_c

    def combine(s: np.ndarray) -> np.ndarray:
        rel = category_rel(s, runs, variant)
        per_run = rel.mean(axis=2)  # NaN when a category is undefined (legacy never is)
        return _mean_defined(per_run, axis=1)

    return Statistic(list(unit_ids), list(unit_meta), cols.reshape(n, -1), combine)


def pooled_rel(pairs: np.ndarray, variant: str) -> float | None:
    """100 * mean(model) / mean(reference) over the given items per run, then the mean over
    runs: the relative score of a subgroup that is not one of the three categories (say an
    image category). `pairs` is items x runs x 2 as for `heron_statistic`."""
    pairs = np.asarray(pairs, dtype=float)
    if variant != "strict":
        pairs = np.where(np.isnan(pairs), -1.0, pairs)
    ok = ~np.isnan(pairs).any(axis=2)
    model = np.where(ok, pairs[..., 1], 0.0).sum(axis=0)
    ref = np.where(ok, pairs[..., 0], 0.0).sum(axis=0)
    per_run = np.where(ok.any(axis=0), 100.0 * ratio(model, ref), np.nan)
    out = float(_mean_defined(per_run[None, :], axis=1)[0])
    return out if np.isfinite(out) else None
