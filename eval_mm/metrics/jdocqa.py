"""JDocQA per-answer-type scoring (spec metrics.md §6).

Metadata read: `answer_type` (0 yes/no, 1 factoid, 2 numerical, 3 open-ended). Gold:
`references[0]`. BLEU is sacrebleu's sentence BLEU with the `ja-mecab` tokenizer (IPAdic),
`exp` smoothing with value 0, no effective order, divided by 100.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, ClassVar

from eval_mm.core.aggregate import MetricSummary
from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score, Scorer
from eval_mm.metrics.aggregation import drop_reason, group_summary
from eval_mm.metrics.answer_text import clean
from eval_mm.metrics.base import NOT_APPLICABLE, not_applicable, parse_stats
from eval_mm.metrics.normalize import jdocqa_norm, nfkc
from eval_mm.metrics.numbers import same_number
from eval_mm.metrics.open_strict import final_number, gold_in, gold_number
from eval_mm.metrics.yesno import polarity_strict
from eval_mm.registries import register_metric

TYPE_NAMES = {0: "yesno_exact", 1: "factoid_exact", 2: "numerical_exact", 3: "open-ended_bleu"}
_BLEU: dict[int, Any] = {}


def _no_effective_order_nag(record: logging.LogRecord) -> bool:
    # The reference deliberately runs without effective order; sacrebleu warns on every call.
    return "effective_order" not in record.getMessage()


def _bleu() -> Any:
    pid = os.getpid()
    if pid not in _BLEU:
        from sacrebleu.metrics.bleu import BLEU

        logging.getLogger("sacrebleu").addFilter(_no_effective_order_nag)
        _BLEU.clear()
        _BLEU[pid] = BLEU(
            tokenize="ja-mecab", smooth_method="exp", smooth_value=0.0, effective_order=False
        )
    return _BLEU[pid]


def sentence_bleu(hypothesis: str, reference: str) -> float:
    """Legacy JDocQA BLEU in 0..1 (sacrebleu, ja-mecab, exp smoothing 0, no effective order)."""
    return float(_bleu().sentence_score(hypothesis, [reference]).score) / 100.0


def norm_contains(gold: str, pred: str) -> bool:
    """Closed-type rule: `jdocqa_norm(gold)` is a substring of `jdocqa_norm(pred)`."""
    return jdocqa_norm(gold) in jdocqa_norm(pred)


_YES_NO = re.compile(r"\b(yes|no)\b", re.IGNORECASE)


def polarity_v1(text: str) -> str | None:
    """The first strict rule (spec §6.2, `jdocqa_closed_acc@1`): whichever of はい/いいえ comes
    first, else an English yes/no word, else None. Kept for the record; v2 reads
    `yesno.polarity_strict`."""
    t = nfkc(text)
    yes, no = t.find("はい"), t.find("いいえ")
    if yes != -1 or no != -1:
        if yes == -1:
            return "no"
        if no == -1:
            return "yes"
        return "no" if no <= yes else "yes"
    m = _YES_NO.search(t)
    return m.group(1).lower() if m else None


def polarity(text: str) -> str | None:
    """'yes' / 'no' / None by the strict yes/no rule (`yesno.polarity_strict`)."""
    return polarity_strict(text).value


_GOLD_TRIM = re.compile("です|。|、")


def closed_strict(gold: str, atype: int, output: str) -> Score:
    """Types 0-2 by the strict rules: yes/no polarity; a numerical gold that states one number
    against the response's final number; otherwise the gold as a word of the response (ASCII
    word edges, spaces and width ignored, not rejected by its context)."""
    details: dict[str, Any] = {"answer_type": atype}
    if atype == 0:
        want = polarity_strict(gold).value
        if want is None:
            return Score.unscored("gold_not_yes_no")
        got = polarity_strict(output)
        details.update(polarity=got.value, reason=got.reason)
        return Score(1.0 if got.value == want else 0.0, details=details)
    g = _GOLD_TRIM.sub("", clean(gold)).strip()
    num = gold_number(g) if atype == 2 else None
    if num is not None:
        r = final_number(output)
        details.update(reason=r.reason, parsed=None if r.number is None else r.number.value)
        ok = r.number is not None and same_number(num, r.number)
        return Score(1.0 if ok else 0.0, details=details)
    text = clean(output)
    details["reason"] = "text"
    return Score(1.0 if gold_in(text, 0, len(text), g, loose=True) else 0.0, details=details)


def answer_type(sample: Sample) -> int | None:
    try:
        at = int(sample.metadata["answer_type"])
    except (KeyError, TypeError, ValueError):
        return None
    return at if at in TYPE_NAMES else None


def legacy_item(gold: str, pred: str, atype: int) -> float:
    return sentence_bleu(pred, gold) if atype == 3 else float(norm_contains(gold, pred))


class _Jdocqa(Scorer):
    kind: ClassVar[str] = "accuracy"
    strict: ClassVar[bool] = False  # strict metrics report unparsed / ambiguous shares

    def _per_type(self, samples: Sequence[Sample], scores: Sequence[Score]) -> dict[str, Any]:
        names = [None if (at := answer_type(s)) is None else TYPE_NAMES[at] for s in samples]
        return group_summary([s.value for s in scores], names, self.scale)

    def score_golds(self, sample: Sample, golds: list[str], output: str) -> Score:
        atype = answer_type(sample)
        if atype is None:
            return Score.unscored("no_answer_type")
        return self.score_typed(golds[0], atype, output)

    def score_typed(self, gold: str, atype: int, output: str) -> Score:
        raise NotImplementedError

    def aggregate(
        self,
        samples: Sequence[Sample],
        scores: Sequence[Score],
        breakdown_keys: Sequence[str] = (),
        seed: int = 0,
    ) -> MetricSummary:
        summary = super().aggregate(samples, scores, breakdown_keys, seed)
        extra = {**summary.extra, "per_type": self._per_type(samples, scores)}
        if self.strict:
            extra.update(parse_stats(scores))
        return drop_reason(replace(summary, extra=extra), NOT_APPLICABLE, NOT_APPLICABLE)


@register_metric
class JdocqaAccLegacy(_Jdocqa):
    """Leaderboard "JDocQA/Acc": normalised containment (types 0-2) or BLEU (type 3), mean
    over all items mixing 0/1 and BLEU. `extra["per_type"]` holds the per-type means."""

    id = "jdocqa_acc_legacy"
    version = "1"
    description = "JDocQA reference scoring by answer type, mean over all items"

    def score_typed(self, gold: str, atype: int, output: str) -> Score:
        return Score(legacy_item(gold, output, atype), details={"answer_type": atype})


@register_metric
class JdocqaClosedAcc(_Jdocqa):
    """Types 0-2 only, by the strict rules (`closed_strict`); unparsed and ambiguous answers are
    wrong and counted. Open-ended items are out of scope."""

    id = "jdocqa_closed_acc"
    version = "2"
    description = "JDocQA closed-type accuracy (strict yes/no, number and text rules)"
    strict = True

    def score_typed(self, gold: str, atype: int, output: str) -> Score:
        if atype == 3:
            return not_applicable()
        return closed_strict(gold, atype, output)


@register_metric
class JdocqaOpenBleu(_Jdocqa):
    """Type 3 only: the legacy sentence BLEU; other types are out of scope."""

    id = "jdocqa_open_bleu"
    version = "1"
    kind = "similarity"
    description = "JDocQA open-ended sentence BLEU (ja-mecab)"

    def score_typed(self, gold: str, atype: int, output: str) -> Score:
        if atype != 3:
            return not_applicable()
        return Score(sentence_bleu(output, gold), details={"answer_type": 3})
