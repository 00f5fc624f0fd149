"""JIC-VQA scorers (spec metrics.md §11.2): per-domain means, headline = macro over domains.

Metadata read: `domain` (str or None) and, for the strict variant, `category_set` (all gold
labels of that domain). Gold label: `references[0]`. Items without a domain (None, "" or the
string "none") are reported separately in `extra["domain_none"]` and left out of the macro
average (with a warning).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any, ClassVar

from eval_mm.core.aggregate import MetricSummary
from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score, Scorer
from eval_mm.metrics.aggregation import macro_over_groups, micro_mean
from eval_mm.metrics.answer_text import negated
from eval_mm.metrics.base import parse_stats
from eval_mm.metrics.exact import contains
from eval_mm.registries import register_metric

log = logging.getLogger(__name__)


def _spans(label: str, text: str) -> list[tuple[int, int]]:
    out, start = [], text.find(label)
    while start != -1:
        out.append((start, start + len(label)))
        start = text.find(label, start + 1)
    return out


def mentioned_labels(output: str, labels: Iterable[str], strict: bool = True) -> set[str]:
    """Labels found in the output, minus those found only inside a longer found label and
    (`strict`) those only mentioned to be rejected (「桜ではなく梅」 mentions 梅)."""
    found = {lab: _spans(lab, output) for lab in set(labels) if lab}
    if strict:
        found = {lab: [(s, e) for s, e in sp if not negated(output, s, e)]
                 for lab, sp in found.items()}  # fmt: skip
    found = {lab: sp for lab, sp in found.items() if sp}
    kept = set()
    for lab, spans in found.items():
        longer = [s for other, sp in found.items() if len(other) > len(lab) for s in sp]
        inside = all(any(a <= s and e <= b for a, b in longer) for s, e in spans)
        if not inside:
            kept.add(lab)
    return kept


def jic_strict(gold: str, output: str, category_set: Iterable[str]) -> bool:
    """Correct iff the gold is the only label of the domain mentioned (§11.2)."""
    return mentioned_labels(output, [*category_set, gold]) == {gold}


def domain_of(sample: Sample) -> str | None:
    d = sample.metadata.get("domain")
    return None if d is None or str(d).strip().lower() in ("", "none") else str(d)


class _Jic(Scorer):
    kind: ClassVar[str] = "accuracy"

    def aggregate(
        self,
        samples: Sequence[Sample],
        scores: Sequence[Score],
        breakdown_keys: Sequence[str] = (),
        seed: int = 0,
    ) -> MetricSummary:
        """Headline: unweighted mean of the domain means; `extra["domains"]`, `micro`."""
        summary = super().aggregate(samples, scores, breakdown_keys, seed)
        values = [s.value for s in scores]
        domains = [domain_of(s) for s in samples]
        macro, per = macro_over_groups(values, domains, self.scale)
        none_vals = [v for v, d in zip(values, domains, strict=True) if d is None]
        extra: dict[str, Any] = {**summary.extra, "domains": per, "micro": summary.value}
        if any("reason" in s.details for s in scores):
            extra.update(parse_stats(scores))
        if none_vals:
            log.warning("jic: %d items have no domain; reported apart", len(none_vals))
            extra["domain_none"] = {
                "value": micro_mean(none_vals, self.scale),
                "n": sum(v is not None for v in none_vals),
            }
        # The bootstrap CI of the item mean does not describe the macro average.
        return replace(summary, value=macro, extra=extra, ci_low=None, ci_high=None)


@register_metric
class JicAccLegacy(_Jic):
    """1 if the gold label is a substring of the output (no normalisation); macro over domains."""

    id = "jic_acc_legacy"
    version = "1"
    description = "JIC-VQA legacy: gold label contained in the output, domain macro-average"

    def score_golds(self, sample: Sample, golds: list[str], output: str) -> Score:
        return Score(1.0 if contains(golds[0], output) else 0.0)


@register_metric
class JicAcc(_Jic):
    """Correct only if the gold is the single domain label mentioned (rejected mentions do not
    count); macro over domains. No label is `unparsed`, several are `ambiguous` (both counted).

    Needs `metadata["category_set"]`; without it the item is unscored (`no_category_set`)."""

    id = "jic_acc"
    version = "2"
    description = "JIC-VQA strict: only the gold label of the domain is mentioned"

    def score_golds(self, sample: Sample, golds: list[str], output: str) -> Score:
        labels = sample.metadata.get("category_set")
        if not labels:
            return Score.unscored("no_category_set")
        found = sorted(mentioned_labels(output, [*labels, golds[0]]))
        reason = "label" if len(found) == 1 else ("ambiguous" if found else "unparsed")
        ok = found == [golds[0]]
        return Score(1.0 if ok else 0.0, details={"found": found, "reason": reason})
