"""CC-OCR character F1 and normalised Levenshtein similarity (spec metrics.md §4).

Scorers read `sample.references` (page transcription; with several golds the best one counts).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

import numpy as np
from rapidfuzz.distance import Levenshtein

from eval_mm.core.aggregate import MetricSummary
from eval_mm.core.bootstrap import Statistic
from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score, Scorer
from eval_mm.metrics.normalize import ccocr_text, nfkc
from eval_mm.registries import register_metric

EPS = 1e-9


def char_counts(gold: str, pred: str) -> tuple[int, int, int]:
    """(right, |g|, |p|) over already-normalised strings: bag-of-characters overlap."""
    cg, cp = Counter(gold), Counter(pred)
    right = sum(min(n, cp[c]) for c, n in cg.items())
    return right, len(gold), len(pred)


def f1_from_counts(right: int, n_gold: int, n_pred: int) -> float:
    """CC-OCR's F1 with its 1e-9 guards (a perfect match is slightly below 1)."""
    r = right / (n_gold + EPS)
    p = right / (n_pred + EPS)
    return 2 * p * r / (p + r + EPS)


def ccocr_f1_item(
    gold: str, pred: str, nfkc_too: bool = False
) -> tuple[float, tuple[int, int, int]]:
    """Per-image character F1 of raw strings, with its counts (for the micro average)."""
    g, p = ccocr_text(gold), ccocr_text(pred)
    if nfkc_too:
        g, p = nfkc(g), nfkc(p)
    counts = char_counts(g, p)
    return f1_from_counts(*counts), counts


def nls_item(gold: str, pred: str) -> float:
    """1 - Lev/max length on `ccocr_text` strings; no threshold; both empty -> 1."""
    g, p = ccocr_text(gold), ccocr_text(pred)
    return Levenshtein.normalized_similarity(g, p) if (g or p) else 1.0


class _CharF1(Scorer):
    kind: ClassVar[str] = "similarity"
    nfkc_too: ClassVar[bool] = False

    def score_golds(self, sample: Sample, golds: list[str], output: str) -> Score:
        best = max((ccocr_f1_item(g, output, self.nfkc_too) for g in golds), key=lambda x: x[0])
        right, ng, npred = best[1]
        return Score(best[0], details={"right": right, "n_gold": ng, "n_pred": npred})

    def aggregate(
        self,
        samples: Sequence[Sample],
        scores: Sequence[Score],
        breakdown_keys: Sequence[str] = (),
        seed: int = 0,
    ) -> MetricSummary:
        """Adds macro `precision` and `recall` (x100) to the mean per-image F1."""
        summary = super().aggregate(samples, scores, breakdown_keys, seed)
        scored = [s.details for s in scores if s.value is not None]
        if not scored:
            return summary
        prec = [d["right"] / (d["n_pred"] + EPS) for d in scored]
        rec = [d["right"] / (d["n_gold"] + EPS) for d in scored]
        extra = {
            **summary.extra,
            "precision": sum(prec) / len(prec) * self.scale,
            "recall": sum(rec) / len(rec) * self.scale,
        }
        return replace(summary, extra=extra)


@register_metric
class CcocrF1(_CharF1):
    """CC-OCR character F1 per image, mean x100 ("macro_f1"). Reads `references`."""

    id = "ccocr_f1"
    version = "1"
    description = "CC-OCR character-level F1 (mean of per-image F1)"


@register_metric
class CcocrF1Nfkc(_CharF1):
    """`ccocr_f1` with NFKC applied after `ccocr_text`."""

    id = "ccocr_f1_nfkc"
    version = "1"
    description = "CC-OCR character F1 after NFKC"
    nfkc_too = True


@register_metric
class CcocrF1Micro(_CharF1):
    """CC-OCR character F1 on counts pooled over all images (headline); per-image F1 kept."""

    id = "ccocr_f1_micro"
    version = "1"
    description = "CC-OCR character F1 over pooled counts"

    def statistic(self, samples: Sequence[Sample], scores: Sequence[Score]) -> Statistic:
        """Micro F1 from the pooled (right, gold, predicted) character counts."""
        kept = [(smp, s) for smp, s in zip(samples, scores, strict=True) if s.value is not None]
        cols = np.asarray([[s.details["right"], s.details["n_gold"], s.details["n_pred"]]
                           for _, s in kept], dtype=float).reshape(-1, 3)

        def combine(sums: np.ndarray) -> np.ndarray:
            r = sums[:, 0] / (sums[:, 1] + EPS)
            p = sums[:, 0] / (sums[:, 2] + EPS)
            return self.scale * 2 * p * r / (p + r + EPS)

        return Statistic([smp.id for smp, _ in kept], [smp.metadata for smp, _ in kept], cols,
                         combine)

    def aggregate(
        self,
        samples: Sequence[Sample],
        scores: Sequence[Score],
        breakdown_keys: Sequence[str] = (),
        seed: int = 0,
    ) -> MetricSummary:
        summary = super().aggregate(samples, scores, breakdown_keys, seed)
        scored = [s for s in scores if s.value is not None]
        right = sum(int(s.details["right"]) for s in scored)
        ng = sum(int(s.details["n_gold"]) for s in scored)
        npred = sum(int(s.details["n_pred"]) for s in scored)
        micro = f1_from_counts(right, ng, npred) * self.scale if scored else None
        extra = {
            **summary.extra,
            "macro": summary.value,
            "right": right,
            "n_gold_chars": ng,
            "n_pred_chars": npred,
            "precision": right / (npred + EPS) * self.scale,
            "recall": right / (ng + EPS) * self.scale,
        }
        return replace(summary, value=micro, extra=extra)


@register_metric
class Nls(Scorer):
    """1 - normalised Levenshtein distance on `ccocr_text` strings, no threshold (order-aware)."""

    id = "nls"
    version = "1"
    kind = "similarity"
    description = "normalised Levenshtein similarity, no threshold"

    def score_golds(self, sample: Sample, golds: list[str], output: str) -> Score:
        return Score(max(nls_item(g, output) for g in golds))
