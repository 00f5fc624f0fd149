"""JaWildText receipt key-information extraction: key-value token F1 (spec tasks-2026.md §3.3).

The gold (`references[0]`) is the JSON object the task builds from the `fields` column. Each
non-null value becomes a token `key:norm(value)`; line items are a bag of
`line_items.<sub>:norm(value)` tokens (no index). Item score = multiset F1.

- `jwt_kie_f1_legacy` (= snapshot-D "JWTxt-Receipt/F1"): the reference's extraction (first
  fenced block, else a quote-blind brace scan from the first `{`) after its `<think>` strip.
  Outputs that make the reference raise and abort the whole task (a fenced JSON list, number
  or string; `line_items` that is a number; JSON nested past Python's recursion limit) are
  unscored with their reason instead.
- `jwt_kie_f1`: strict rule; tries every fenced block, then every balanced `{...}` of a
  string-aware scan, and uses the first that parses to an object; also reports field accuracy
  over the items whose gold field is present.

No JSON found: F1 = P = R = 0, counted (`parse_error_count`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

import numpy as np

from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score, Scorer
from eval_mm.registries import register_metric

FIELDS = ("store_name", "store_address", "receipt_id", "date", "time", "total_amount",
          "tax_amount")  # fmt: skip
ITEM_FIELDS = ("item_name", "item_price", "item_quantity")
_FENCE = re.compile(r"```(?:json)?\s*\n?(.*?)\n?```", re.DOTALL)
_DROP = re.compile("[¥￥,]")
_WS = re.compile(r"\s+")


class ReferenceCrash(Exception):
    """An output on which the reference scorer raises (and aborts the task)."""


def kie_norm(value: Any) -> str:
    """NFKC, lower-case, trim, delete ¥ ￥ and commas, collapse whitespace."""
    text = unicodedata.normalize("NFKC", str(value)).lower().strip()
    return _WS.sub(" ", _DROP.sub("", text))


def tokens(data: dict[str, Any], strict: bool) -> Counter[str]:
    out: list[str] = []
    for f in FIELDS:
        value = data.get(f)
        if value is not None and kie_norm(value):
            out.append(f"{f}:{kie_norm(value)}")
    items = data.get("line_items") or []
    if strict and not isinstance(items, list):
        items = []
    elif isinstance(items, (int, float)):  # bool included: iterating it raises in the reference
        raise ReferenceCrash("bad_line_items")
    for item in items:
        if isinstance(item, dict):
            for sub in ITEM_FIELDS:
                value = item.get(sub)
                if value is not None and kie_norm(value):
                    out.append(f"line_items.{sub}:{kie_norm(value)}")
    return Counter(out)


def token_f1(gold: Counter[str], pred: Counter[str]) -> tuple[float, float, float]:
    """(precision, recall, F1) of two token bags."""
    if not gold and not pred:
        return 1.0, 1.0, 1.0
    if not pred:
        return 0.0, 0.0, 0.0
    if not gold:
        return 0.0, 1.0, 0.0
    overlap = sum((gold & pred).values())
    p, r = overlap / sum(pred.values()), overlap / sum(gold.values())
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise ReferenceCrash("json_too_deep") from None


def extract_legacy(text: str) -> dict[str, Any] | None:
    """The reference's extraction, including its blind spots."""
    m = _FENCE.search(text)
    if m:
        try:
            found = _loads(m.group(1).strip())
        except json.JSONDecodeError:
            pass  # on to the brace scan
        else:  # whatever the block holds is the answer (a JSON null: no JSON)
            if found is not None and not isinstance(found, dict):
                raise ReferenceCrash("non_object_json")  # `.get` on a list, number or string
            return found
    start = text.find("{")
    if start == -1:
        return None
    depth = 0
    for i in range(start, len(text)):  # quotes are not considered
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            try:
                found = _loads(text[start : i + 1])
            except json.JSONDecodeError:
                return None
            return found if isinstance(found, dict) else None
    return None


def _balanced(text: str, start: int) -> str | None:
    """The `{...}` opening at `start`, braces inside JSON strings ignored; None if unclosed."""
    depth, in_str, escaped = 0, False, False
    for i in range(start, len(text)):
        ch = text[i]
        if in_str:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_str = False
            continue
        if ch == '"':
            in_str = True
        elif ch in "{}":
            depth += 1 if ch == "{" else -1
            if depth == 0:
                return text[start : i + 1]
    return None


def _candidates(text: str) -> Iterator[str]:
    for m in _FENCE.finditer(text):
        yield m.group(1).strip()
    for m in re.finditer(r"\{", text):
        found = _balanced(text, m.start())
        if found is not None:
            yield found


def extract_strict(text: str) -> tuple[dict[str, Any] | None, bool]:
    """(first candidate that parses to an object, whether some candidate was other JSON)."""
    other = False
    for cand in _candidates(text):
        try:
            found = json.loads(cand)
        except (json.JSONDecodeError, RecursionError):
            continue
        if isinstance(found, dict):
            return found, other
        other = other or found is not None
    return None, other


class _Kie(Scorer):
    kind: ClassVar[str] = "similarity"
    strict: ClassVar[bool] = True

    def score_golds(self, sample: Sample, golds: list[str], output: str) -> Score:
        try:
            gold = json.loads(golds[0])
        except json.JSONDecodeError:
            gold = None
        if not isinstance(gold, dict):
            return Score.unscored("bad_reference")
        try:
            if self.strict:
                pred, other = extract_strict(output)
            else:
                pred, other = extract_legacy(output), False
            if pred is None:
                reason = "non_object_json" if other else "no_json"
                return Score(0.0, details={"precision": 0.0, "recall": 0.0, "parse_error": reason})
            p, r, f1 = token_f1(tokens(gold, self.strict), tokens(pred, self.strict))
        except ReferenceCrash as crash:
            return Score.unscored(str(crash))
        fields = {f: float(kie_norm(gold.get(f, "")) == kie_norm(pred.get(f, ""))) for f in FIELDS}
        details: dict[str, Any] = {"precision": p, "recall": r, "parse_error": None,
                                   "fields": fields}  # fmt: skip
        if self.strict:
            details["present"] = {f: fields[f] for f in FIELDS if gold.get(f) is not None}
        return Score(f1, details=details)

    def summary_extra(self, samples: Sequence[Sample], scores: Sequence[Score]) -> dict[str, Any]:
        """Extra: mean `precision`, `recall`, `parse_error_count` (by kind in
        `parse_errors`), `field_<name>` over items without parse error, and (strict)
        `field_acc_present_<name>` over items whose gold has the field (parse errors as 0)."""
        scored = [s for s in scores if s.value is not None]
        errors = Counter(str(s.details["parse_error"]) for s in scored
                         if s.details.get("parse_error"))  # fmt: skip
        extra: dict[str, Any] = {
            "precision": _mean([s.details.get("precision") for s in scored]),
            "recall": _mean([s.details.get("recall") for s in scored]),
            "parse_error_count": sum(errors.values()),
            "parse_errors": dict(errors),
        }
        parsed = [s.details["fields"] for s in scored if "fields" in s.details]
        for f in FIELDS:
            extra[f"field_{f}"] = _mean([d[f] for d in parsed])
        if self.strict:
            gold_present = [_present(sample, s) for sample, s in zip(samples, scores, strict=True)]
            for f in FIELDS:
                extra[f"field_acc_present_{f}"] = _mean(
                    [g[f] for g in gold_present if g is not None and f in g]
                )
        return extra


def _present(sample: Sample, score: Score) -> dict[str, float] | None:
    """Per present gold field: 1/0 (a parse error counts 0); None when unscored."""
    if score.value is None:
        return None
    if "present" in score.details:
        return dict(score.details["present"])
    try:
        gold = json.loads(sample.references[0])
    except (IndexError, json.JSONDecodeError):
        return None
    return {f: 0.0 for f in FIELDS if isinstance(gold, dict) and gold.get(f) is not None}


def _mean(values: Sequence[Any]) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return float(np.mean(vals)) if vals else None


@register_metric
class JwtKieF1Legacy(_Kie):
    """Receipt key-value token F1 as llm-jp-eval-mm (its crash cases unscored)."""

    id = "jwt_kie_f1_legacy"
    version = "1"
    strict = False
    reasoning: ClassVar[str | None] = "legacy"
    description = "JaWildText receipt KIE token F1 as llm-jp-eval-mm (first block / brace scan)"


@register_metric
class JwtKieF1(_Kie):
    """Receipt key-value token F1 with robust JSON extraction."""

    id = "jwt_kie_f1"
    version = "1"
    description = "JaWildText receipt KIE token F1, robust JSON extraction, present-field accuracy"
