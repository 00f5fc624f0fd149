"""Strict open-answer reading (JMMMU open questions, JDocQA numeric and factoid answers).

Rules (docs/metrics.md §4, §6):

- **Final-answer location.** The last `\\boxed{}`; else the text after the last answer
  indicator (答えは, 回答は, 解答は, 正解は, 答え:, 最終的に, よって, したがって, つまり, 合計は,
  The answer is, Answer:, Therefore, ...) up to the end of its sentence; else, for a number,
  a first sentence that is only a number ("42です。なぜなら..."), or the last sentence with a
  number (after its last "=").
- **Numbers** are read by `numbers.find_numbers` (decimals are never split at the point).
  A number rejected by its context ("12ではなく15", "not 12"), a remark in brackets and a
  comparison ("前年より100人増") do not count when another number does. After "=" only the
  result counts. Different numbers joined as alternatives ("5か6", "5 or 6") make the answer
  ambiguous; otherwise the number right after the indicator, else the last one.
- **Strings**: the gold (clean, case-folded, spaces ignored) must occur in the answer part as
  a word (`answer_text.word_edges_ok`: a one-letter gold is not found inside a word) and not
  be rejected by its context.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from eval_mm.metrics.answer_text import Rejections, Sentences, boxed, clean, word_edges_ok
from eval_mm.metrics.numbers import Number, find_numbers, parse_number, same_number

INDICATOR = re.compile(
    r"(?:最終的な(?:答え|回答|解答)(?:は|:)?|(?:答え|回答|解答|正解|正答)(?:は|が|として(?:は)?|:|=|→)"
    r"|最終的に(?:は)?|よって|したがって|従って|ゆえに|故に|つまり|以上(?:から|より)|結論として(?:は)?"
    r"|合計(?:は|で)|全部で|総計(?:は|で)"
    r"|(?:the )?(?:final |correct )?answer\s*(?:is|:|=|would be|should be)|therefore|thus|hence"
    r"|so the (?:answer|result|value) is|the result is)[\s,、:]*",
    re.IGNORECASE,
)
_EQUALS = re.compile(r"[=＝≈]")
_NOT_A_UNIT = re.compile(r"[π√^×*+/]|sin|cos|tan|log|[a-z]\(")
# Anything `find_numbers(words=True)` can read starts with one of these (a quick filter).
_HAS_NUMBER = re.compile(
    r"\d|[〇零一二三四五六七八九十百千]|\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten"
    r"|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty"
    r"|forty|fifty|sixty|seventy|eighty|ninety)",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"[\s:(\[「『【\"'“]*(?:約|およそ|大体|だいたい|ほぼ|approximately|about|around|roughly|"
    r"[a-zA-Z]\s*=)?\s*$",
    re.IGNORECASE,
)
# Between two numbers (a unit may follow the first): "5か6", "120人か130人", "5 or 6", "5〜6".
_ALTERNATIVE = re.compile(
    r"\s*[^\d\s、。,.]{0,4}?\s*(?:か|または|又は|もしくは|あるいは|ないし|or|~|〜|-|–)\s*$",
    re.IGNORECASE,
)

LOCATED_BY = ("boxed", "indicator", "equals", "first_sentence", "last_sentence", "whole")


@dataclass(frozen=True)
class Located:
    """The cleaned response and the [start, end) of its final answer, with the rule used."""

    text: str
    start: int
    end: int
    how: str
    after_marker: bool  # the span follows an indicator: its first number is the answer


_BARE_REST = re.compile(r"です|でした|である|だ|約|およそ|[\s.。、,!！*:()（）「」]")


def _has_number(text: str, start: int, end: int) -> bool:
    return bool(_HAS_NUMBER.search(text, start, end) and find_numbers(text[start:end], True))


def _bare_answer(sentence: str) -> bool:
    """A sentence that is only a number with its unit ("42です", "15人。", "**3.5 cm**")."""
    nums = find_numbers(sentence, words=True)
    if len(nums) != 1:
        return False
    rest = _BARE_REST.sub("", sentence[: nums[0].start] + sentence[nums[0].end :])
    return len(rest) <= 3


def locate(response: str, numeric: bool) -> Located:
    text = clean(response)
    box = boxed(text) if "\\" in text else None
    if box is not None:
        s = text.rfind(box)
        return Located(text, s, s + len(box), "boxed", True)
    sents = Sentences(text)
    for m in reversed(list(INDICATOR.finditer(text))):
        end = sents.end_of(m.end())
        if not text[m.end() : end].strip(" 。.、,:"):
            end = sents.end_of(end + 1)  # "答えは:\n42"
        if text[m.end() : end].strip(" 。.、,:"):
            return Located(text, m.end(), end, "indicator", True)
    if not numeric:
        return Located(text, 0, len(text), "whole", False)
    all_spans = sents.spans()
    last = next((sp for sp in reversed(all_spans) if _has_number(text, *sp)), None)
    if last is None:
        return Located(text, 0, len(text), "whole", False)
    first = all_spans[0]
    if len(all_spans) > 1 and first[1] - first[0] <= 24 and _bare_answer(text[first[0] : first[1]]):
        return Located(text, first[0], first[1], "first_sentence", True)
    s, e = last
    eq = [m.end() for m in _EQUALS.finditer(text, s, e)]
    if eq:
        return Located(text, eq[-1], e, "equals", True)
    return Located(text, s, e, "last_sentence", False)


@dataclass(frozen=True)
class Reading:
    """The number a response states as its final answer, or why there is none."""

    number: Number | None
    reason: str  # a LOCATED_BY rule, "ambiguous" or "unparsed"


def final_number(response: str) -> Reading:
    loc = locate(response, numeric=True)
    text = loc.text
    span = text[loc.start : loc.end]
    nums = [
        Number(n.value, n.start + loc.start, n.end + loc.start, n.alts, n.decimals)
        for n in find_numbers(span, words=True)
    ]
    eq = [m.end() for m in _EQUALS.finditer(text, loc.start, loc.end)]
    if eq and any(n.start >= eq[-1] for n in nums):
        nums = [n for n in nums if n.start >= eq[-1]]  # "3×4=12": the result
    rej = Rejections(text)
    pos = [n for n in nums if not rej(n.start, n.end)]
    if not pos:
        return Reading(None, "unparsed")
    inside = _bracketed(text, loc.start, loc.end)
    outside = [n for n in pos if n.start not in inside]
    pos = outside or pos  # "約3.5 m（小数第2位を四捨五入）": a remark in brackets is not the answer
    main = [n for n in pos if not _compared(text, n)]
    pos = main or pos  # "1,200人で、前年より100人増": the difference is not the answer
    if len({n.value for n in pos}) == 1:
        return Reading(pos[0], loc.how)
    for a, b in pairwise(pos):
        if a.value != b.value and _ALTERNATIVE.match(text[a.end : b.start]) is not None:
            return Reading(None, "ambiguous")
    if loc.after_marker and _FILLER.match(text, loc.start, pos[0].start):
        return Reading(pos[0], loc.how)
    return Reading(pos[-1], loc.how)


_COMPARED_BEFORE = re.compile(r"(?:前年|昨年|前回|前期|前月|比|より|than)[^\d。\n]{0,4}\Z", re.I)
_COMPARED_AFTER = re.compile(
    r"\s*(?:%|パーセント|ポイント|人|件|円|個|倍)?\s*(?:の)?(?:増|減|多|少な|上回|下回|アップ|ダウン|more|less|fewer"
    r"|higher|lower|increase|decrease|up\b|down\b)",
    re.I,
)


def _compared(text: str, n: Number) -> bool:
    """A number stated as a difference or a comparison base (前年の100人, 10%増)."""
    return bool(
        _COMPARED_BEFORE.search(text, max(0, n.start - 8), n.start)
        or _COMPARED_AFTER.match(text, n.end)
    )


def _bracketed(text: str, start: int, end: int) -> set[int]:
    """Positions inside round or square brackets within text[start:end]."""
    if not any(c in text[start:end] for c in "([【"):
        return set()
    out, depth = set(), 0
    for i in range(start, end):
        c = text[i]
        if c in "([【":
            depth += 1
        elif c in ")]】" and depth:
            depth -= 1
        elif depth:
            out.add(i)
    return out


@lru_cache(maxsize=4096)
def _gold_pattern(gold: str) -> tuple[re.Pattern[str], str] | None:
    key = "".join(clean(gold).casefold().split()).strip("。.、,")
    if not key:
        return None
    return re.compile(r"[\s、]*".join(re.escape(c) for c in key), re.IGNORECASE), key


def gold_in(text: str, start: int, end: int, gold: str, loose: bool = False) -> bool:
    """The gold string occurs in text[start:end] as a word (`loose`: only ASCII word edges),
    not rejected by its context."""
    pat = _gold_pattern(gold)
    if pat is None:
        return False
    rx, key = pat
    rej: Rejections | None = None
    for m in rx.finditer(text, start, end):
        s, e = m.span()
        if word_edges_ok(text, s, e, key, loose):
            rej = rej or Rejections(text)
            if not rej(s, e):
                return True
    return False


@dataclass(frozen=True)
class OpenResult:
    ok: bool
    reason: str
    parsed: float | str | None


@lru_cache(maxsize=4096)
def gold_number(gold: str) -> Number | None:
    """A gold stating one number (「3.5」, 「120人」, 「約1,200万円」) is compared as a number."""
    g = clean(gold)
    n = parse_number(g)
    if n is None:
        return None
    rest = g[: n.start] + g[n.end :]
    if len(rest.strip()) > 6 or _NOT_A_UNIT.search(rest):
        return None  # 2π, 3√2, x^2 are expressions, not a number with a unit
    return n


def score_open(golds: str | Sequence[str], response: str) -> OpenResult:
    """Correct iff the final answer states a gold number, or contains a gold string."""
    gl = [golds] if isinstance(golds, str) else list(golds)
    numeric = [(g, n) for g in gl if (n := gold_number(g)) is not None]
    strings = [g for g in gl if gold_number(g) is None]
    reason: str = "unparsed"
    parsed: float | str | None = None
    if numeric:
        r = final_number(response)
        reason = r.reason
        if r.number is not None:
            parsed = r.number.value
            if any(same_number(n, r.number) for _, n in numeric):
                return OpenResult(True, reason, parsed)
    if strings:
        loc = locate(response, numeric=False)
        if any(gold_in(loc.text, loc.start, loc.end, g) for g in strings):
            return OpenResult(True, loc.how, loc.text[loc.start : loc.end])
        if not numeric:
            span = loc.text[loc.start : loc.end].strip()
            reason, parsed = (loc.how, span) if span else ("unparsed", None)
    return OpenResult(False, reason, parsed)
