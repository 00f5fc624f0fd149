"""Chart QA metrics (spec tasks-2026.md §6.3, §6.4): `relaxed_acc` (ChartQA, as lmms-eval /
Qwen-VL / pix2struct) and `chartqapro_acc` (the ChartQAPro authors' `evaluate_predictions.py`).

`relaxed_acc` reads `sample.references` (any gold counts). `chartqapro_acc` reads
`metadata["answer_last"]` (the last `Answer` element, the graded one), `year_flags` (the
`Year` list) and `question_type`; per question type in the summary's `extra.question_types`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from typing import Any, ClassVar

from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score, Scorer
from eval_mm.metrics.aggregation import group_summary
from eval_mm.metrics.anls import anls_item
from eval_mm.registries import register_metric

MAX_RELATIVE_CHANGE = 0.05


def _relaxed_float(text: str) -> float | None:
    try:
        return float(text.rstrip("%")) / 100.0 if text.endswith("%") else float(text)
    except ValueError:
        return None


def relaxed_correct(prediction: str, gold: str) -> bool:
    """Within 5 % of a non-zero numeric gold; otherwise case-insensitive equality. Both are
    trimmed first (ours; lmms-eval does not, which only matters in the string branch)."""
    p, g = prediction.strip(), gold.strip()
    pf, gf = _relaxed_float(p), _relaxed_float(g)
    if pf is not None and gf:  # a gold of 0 (or unparsable) falls back to the string test
        return abs(pf - gf) / abs(gf) <= MAX_RELATIVE_CHANGE
    return p.lower() == g.lower()


@register_metric
class RelaxedAcc(Scorer):
    """ChartQA relaxed accuracy against any reference (breakdown key `split`: human/augmented)."""

    id = "relaxed_acc"
    version = "1"
    kind: ClassVar[str] = "accuracy"
    description = "relaxed accuracy: numbers within 5%, else case-insensitive equality"

    def score_golds(self, sample: Sample, golds: list[str], output: str) -> Score:
        return Score(1.0 if any(relaxed_correct(output, g) for g in golds) else 0.0)


# ---------------------------------------------------------------- ChartQAPro

_BARE_ELEMENT = re.compile(r"(?<!['\w])(\w[^,]*?)(?!['\w])")


def _fix_list_format(text: str) -> Any:
    """`[a, b]` -> ['a', 'b'] (quote bare elements, read as a literal); else the text."""
    m = re.match(r"^\[(.*)\]$", text.strip())
    if not m:
        return text
    quoted = _BARE_ELEMENT.sub(r"'\1'", m.group(1))
    try:
        return ast.literal_eval(f"[{quoted}]")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return text


def _as_list(text: str) -> list[str] | None:
    try:
        parsed = ast.literal_eval(text)
    except Exception:  # any model text; literal_eval raises many kinds
        return None
    return [str(x).strip(" '") for x in parsed] if isinstance(parsed, list) else None


def _to_float(text: str) -> float | None:
    try:
        return float(text.strip().strip("%"))
    except ValueError:
        return None


def _single(target: str, prediction: str) -> float:
    t = target.strip().strip("%").strip()
    p = prediction.strip().strip("%").strip()
    tf, pf = _to_float(t), _to_float(p)
    if tf is not None and pf is not None:
        if tf == 0.0:
            return 1.0 if pf == 0.0 else 0.0
        return 1.0 if abs(pf - tf) / abs(tf) <= MAX_RELATIVE_CHANGE else 0.0
    return anls_item([t.lower()], p.lower())[0]


def chartqapro_score(
    answer: str, prediction: str, year_flags: Sequence[str], question_type: str
) -> float:
    """One item of the authors' script: lists compared position by position; a `YES` year
    flag asks for exact match, numbers within 5 %, other text by ANLS (tau 0.5). The script's
    exact-match switch for Multi Choice / Fact Checking is computed but never used: kept so."""
    gold = answer.strip(".").strip("\n")
    pred = prediction.strip(".").strip("\n")
    flags = list(year_flags[-1:] if question_type == "Conversational" else year_flags)
    fixed = _fix_list_format(gold)
    targets = _as_list(str(fixed)) or [str(gold)]
    preds = _as_list(str(pred)) or [str(pred)]
    if len(flags) < len(targets):
        flags = flags * len(targets)
    scores = []
    for i in range(max(len(targets), len(preds))):
        if i >= len(targets) or i >= len(preds):
            scores.append(0.0)  # too many or too few elements
            continue
        flag = flags[i] if i < len(flags) else "NO"  # no flag at all: the script would crash
        if str(flag).upper() == "YES":
            scores.append(1.0 if targets[i].strip().lower() == preds[i].strip().lower() else 0.0)
        else:
            scores.append(_single(targets[i], preds[i]))
    return sum(scores) / len(scores) if scores else 0.0


@register_metric
class ChartQAProAcc(Scorer):
    """The ChartQAPro authors' relaxed correctness on `metadata["answer_last"]`."""

    id = "chartqapro_acc"
    version = "1"
    kind: ClassVar[str] = "accuracy"
    description = "ChartQAPro official metric (exact years, 5% numbers, ANLS text), by type"

    def score_one(self, sample: Sample, output: str) -> Score:
        answer = sample.metadata.get("answer_last")
        if answer is None:
            if not sample.references:
                return Score.unscored("no_reference")
            answer = sample.references[-1]
        qtype = str(sample.metadata.get("question_type", ""))
        flags = [str(f) for f in sample.metadata.get("year_flags") or []]
        return Score(chartqapro_score(str(answer), output, flags, qtype))

    def summary_extra(self, samples: Sequence[Sample], scores: Sequence[Score]) -> dict[str, Any]:
        types = group_summary(
            [s.value for s in scores],
            [s.metadata.get("question_type") for s in samples],
            self.scale,
        )
        return {"question_types": types}
