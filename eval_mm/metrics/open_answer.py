"""JMMMU open-answer parsing, legacy (spec metrics.md §8.1: MMMU/JMMMU, bug for bug).

`parse_open(response)` returns the normalised predictions; `eval_open(golds, preds)` decides
correctness. Both are pure: every call starts from a fresh indicator list. The strict reading
(`jmmmu_acc`) is `open_strict.score_open`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Pred = str | float

# "解答は、" "回答は" are fused by a missing comma in the reference list (kept on purpose).
LEGACY_INDICATORS = ("よって", "よって、", "答えは", "答えは、", "最終的に", "最終的に、", "解答は",
                     "解答は、回答は", "回答は、")  # fmt: skip
LAST_ONLY = ("＝", "=")
_PUNCT_TAILS = {",", ".", "!", "?", ";", ":", "'", "、", "。", "！", "？", "；", "："}
_SPLIT = re.compile(r"[。！？.]\s*|\n")

_COMMA_LEGACY = re.compile(r"-?\b\d{1,3}(?:,\d{3})+\b")
_SCIENTIFIC = re.compile(r"-?\d+(?:\.\d+)?[eE][+-]?\d+")
_SIMPLE = re.compile(r"-?(?:\d+\.\d+|\.\d+|\d+)(?![eE][+-]?\d+)(?![,\d])")
_COUNTER = re.compile(r"(\d+)(?:つ|個|度|円|人|年|匹|台|%)")


def extract_numbers(s: str) -> list[str]:
    """Number strings in the reference order: comma, scientific, simple, Japanese counters."""
    return [
        *_COMMA_LEGACY.findall(s),
        *_SCIENTIFIC.findall(s),
        *_SIMPLE.findall(s),
        *_COUNTER.findall(s),
    ]


def _as_number(s: str) -> float | None:
    try:
        return float(s.replace(",", ""))
    except ValueError:
        return None


def normalize_pred(s: str) -> list[Pred]:
    """A number rounded to 2 decimals, else the lower-cased string (one char -> ' x', 'x ')."""
    s = s.strip()
    num = _as_number(s)
    if num is not None:
        return [round(num, 2)]
    s = s.lower()
    return [" " + s, s + " "] if len(s) == 1 else [s]


def key_responses(response: str) -> list[str]:
    """The tails after answer indicators, or the whole response when there is none."""
    response = response.strip().strip("。").strip()
    subs = _SPLIT.split(response)
    keys: list[str] = []
    for i, sub in enumerate(subs):
        indicators = LEGACY_INDICATORS + LAST_ONLY if i == len(subs) - 1 else LEGACY_INDICATORS
        shortest: str | None = None
        for ind in indicators:
            if ind not in sub:
                continue
            tail = sub.split(ind)[-1].strip()
            # `not shortest` (not `is None`) replaces an empty tail: reference behaviour.
            if not shortest or len(tail) < len(shortest):
                shortest = tail
        if shortest and shortest.strip() not in _PUNCT_TAILS:
            keys.append(shortest)
    return keys or [response]


def parse_open(response: str) -> list[Pred]:
    """Normalised, de-duplicated predictions of an open answer."""
    keys = key_responses(response)
    raw = list(keys)
    for k in keys:
        raw.extend(extract_numbers(k))
    out: list[Pred] = []
    for r in raw:
        for p in normalize_pred(r):
            if p not in out:
                out.append(p)
    return out


def eval_open(golds: str | Sequence[str], preds: Sequence[Pred]) -> bool:
    """A numeric prediction equal to a numeric gold, or a string gold inside a string prediction."""
    gl = [golds] if isinstance(golds, str) else list(golds)
    norm: list[Pred] = [n for g in gl for n in normalize_pred(g)]
    for p in preds:
        if isinstance(p, str):
            if any(isinstance(n, str) and n in p for n in norm):
                return True
        elif p in norm:
            return True
    return False
