"""Where a response mentions options: letters, quoted option texts, and how they join.

Used by `choice_strict`. A mention is an option letter standing alone or a quoted option text;
a letter next to its own text is one mention; mentions joined by connectors form one answer
expression (`Group`). Rejections ("not A", "Aではなく") are marked here; deciding which
expression is the answer is `choice_strict`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from eval_mm.metrics.answer_text import Rejections, clean, word_edges_ok
from eval_mm.metrics.numbers import Number, parse_number

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# "A cat", "I think": an article or pronoun, unless a verb or connector follows the letter.
_A_KEEP = frozenset(
    (
        "is", "was", "seems", "appears", "looks", "would", "could", "should", "must", "can",
        "might", "may", "and", "or", "but", "nor", "because", "since", "as", "then", "vs", "to",
        "through", "also", "too", "only", "alone", "instead", "rather", "not", "does",
        "doesn't", "matches", "fits", "describes", "corresponds", "best", "correctly", "seem",
        "remains", "stands"
    )
)  # fmt: skip
_I_PRONOUN = frozenset(
    (
        "think", "believe", "am", "would", "will", "guess", "choose", "pick", "select", "go",
        "say", "feel", "see", "can", "cannot", "could", "should", "must", "might", "may", "do",
        "did", "don't", "have", "had", "know", "suppose", "assume", "conclude", "agree",
        "prefer", "chose", "picked", "selected", "need", "want", "get", "found", "notice",
        "consider", "also", "really", "personally", "strongly", "'d", "'ll", "'ve", "'m"
    )
)  # fmt: skip
_LETTER = re.compile(r"(?<![A-Za-z0-9])[A-Za-z](?![A-Za-z0-9])")
_NEXT_WORD = re.compile(r" ([a-z']+)")
_RANGE = re.compile(r"([A-Z])\s*(?:[-~〜–—～]|から|to|through)\s*([A-Z])(?![A-Za-z0-9])")
_QA_PREFIX = re.compile(r"^\s*Q\s*[.:]", re.MULTILINE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_MERGE_AFTER = re.compile(r"[\s.:)\]」』】\-–—=→の、,(「『]{0,4}")
_MERGE_BEFORE = re.compile(r"[\s(\[「『【:\-–—→=、,]{0,3}")
# Mentions on one line joined by these form one answer expression ("AではなくB", "A or B").
CONNECT = re.compile(
    r"(?:[ \t,、/・()\[\]「」『』【】\"'“”]|and\b|or\b|but\b|nor\b|vs\.?|also\b|と|か|や|及び"
    r"|および|でも|または|又は|もしくは|あるいは|ないし|ではなく(?:て)?|じゃなく(?:て)?|でなく|でもなく|であって"
    r"|であり|ではありません|not\b|rather than|instead of)*",
    re.IGNORECASE,
)
# A rejection after a mention also rejects the mentions coordinated with it ("AとBは誤り").
_COORD = re.compile(
    r"[ \t,、/・]*(?:と|や|及び|および|and|or|nor|でも|も|か|または)?[ \t,、/・]*", re.I
)


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    option: int
    letter: bool  # a letter (possibly with its text) rather than a quoted text
    neg: bool = False
    neg_after: bool = False  # rejected by what follows it ("Aは誤り")
    neg_before: bool = False  # rejected by what precedes it ("not A")
    listing: bool = False  # a line of a restated option list


@dataclass(slots=True)
class Group:
    """One answer expression: mentions joined by connectors on one line."""

    mentions: list[Mention] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.mentions[0].start

    @property
    def end(self) -> int:
        return self.mentions[-1].end

    def positives(self) -> set[int]:
        return {m.option for m in self.mentions if not m.neg}

    def has_letter(self) -> bool:
        return any(m.letter and not m.neg for m in self.mentions)


@dataclass(frozen=True)
class Options:
    """What is looked for in a response, per option set (cached)."""

    letters: str
    patterns: tuple[tuple[int, str, re.Pattern[str], str], ...]  # index, first char, rx, key
    values: tuple[Number, ...] | None  # numbers of all-numeric options, for "答えは24.0"
    keys: dict[str, int]  # case-folded option text without spaces -> its only option


@lru_cache(maxsize=8192)
def options_info(options: tuple[str, ...]) -> Options:
    letters = LETTERS[: len(options)]
    pats = []
    for i, opt in enumerate(options):
        key = "".join(clean(opt).strip(" 。、．，,.!?！？").split())
        if not key or (len(key) == 1 and key.upper() in letters + "AI"):
            continue  # an option text that is an option letter (or "I", "a") is read as a letter
        body = r"\s*".join(re.escape(c) for c in key)
        pats.append((i, key[0].lower(), re.compile(body, re.IGNORECASE), key))
    nums = [parse_number(clean(o)) for o in options]
    values = tuple(n for n in nums if n is not None) if None not in nums else None
    folded = [key.casefold() for _, _, _, key in pats]
    keys = {k: i for (i, _, _, _), k in zip(pats, folded, strict=True) if folded.count(k) == 1}
    return Options(letters, tuple(pats), values, keys)


def text_mentions(text: str, opts: Options, low: str) -> list[Mention]:
    """Quoted option texts with word edges; the longest quote wins an overlap. `low`: the
    text lower-cased, same indices."""
    spaced = " " in text or "\n" in text or "\t" in text
    found = []
    for i, first, pat, key in opts.patterns:
        if first not in low:
            continue
        if spaced:  # a quote may break over a space ("5 V" for "5V"): the pattern allows it
            spans = [m.span() for m in pat.finditer(text)]
        else:
            k, spans, at = key.lower(), [], low.find(key.lower())
            while at >= 0:
                spans.append((at, at + len(k)))
                at = low.find(k, at + 1)
        for s, e in spans:
            if word_edges_ok(text, s, e, key):
                found.append((e - s, s, e, i))
    kept: list[Mention] = []
    for _, s, e, i in sorted(found, key=lambda t: (-t[0], t[1])):
        if all(e <= k.start or k.end <= s for k in kept):
            kept.append(Mention(s, e, i, letter=False))
    return kept


def _letter_ok(text: str, ch: str, i: int, qa: bool) -> bool:
    if ch in "AI":
        w = _NEXT_WORD.match(text, i + 1)
        if w is not None:
            word = w.group(1)
            if (ch == "A" and word not in _A_KEEP) or (ch == "I" and word in _I_PRONOUN):
                return False
        if ch == "I" and text.startswith("'", i + 1):
            return False
    if i and (text[i - 1].isdigit() or (text[i - 1] == " " and text[i - 2 : i - 1].isdigit())):
        return False  # the unit of "10 A", "5 V"
    line_start = i == 0 or text[i - 1] == "\n"
    # "Q: ... A: B" - the answer label, not option A
    return not (qa and ch == "A" and line_start and text.startswith(":", i + 1))


def letter_mentions(
    text: str, opts: Options, texts: list[Mention], marked: Callable[[int], bool]
) -> list[Mention]:
    """Option letters standing alone: not a capital inside a quoted option text, a pronoun or
    article, a unit after a number, or an end of a range "A〜D". Lower case only as "(b)" or
    right after an answer statement (`marked(i)`: one ends at i)."""
    ranges: set[int] = set()
    if any(c in text for c in "-~〜–—～") or "から" in text or "to" in text or "through" in text:
        ranges = {p for r in _RANGE.finditer(text) for p in (r.start(1), r.start(2))}
    qa = "Q" in text and _QA_PREFIX.search(text) is not None
    out = []
    for m in _LETTER.finditer(text):
        ch, s = m.group(), m.start()
        upper = ch.upper()
        if upper not in opts.letters or s in ranges:
            continue
        if texts and any(t.start <= s < t.end for t in texts):
            continue  # a capital inside a quoted option text ("A ∧ B", "ビタミンC")
        if ch != upper:
            bracketed = s and text[s - 1] in "([「【" and text.startswith(")", s + 1)
            if not bracketed and not marked(s):
                continue
        if _letter_ok(text, ch, s, qa):
            out.append(Mention(s, m.end(), opts.letters.index(upper), letter=True))
    return out


def _gap(rx: re.Pattern[str], text: str, a: int, b: int) -> bool:
    m = rx.match(text, a, b)
    return m is not None and m.end() == b


def merge(letters: list[Mention], texts: list[Mention], text: str) -> list[Mention]:
    """Join a letter with its own adjacent option text ("B. 大阪", "大阪 (B)"); a different
    option's text right after a letter label ("B. 東京") is dropped: the letter counts."""
    used: set[int] = set()
    for lm in letters:
        for j, tm in enumerate(texts):
            if j in used:
                continue
            after = tm.start >= lm.end and _gap(_MERGE_AFTER, text, lm.end, tm.start)
            # "大阪 (B)": the letter labels the text before it only when its bracket closes.
            before = (
                tm.end <= lm.start
                and _gap(_MERGE_BEFORE, text, tm.end, lm.start)
                and (tm.end == lm.start or text[lm.end : lm.end + 1] in ")]」】")
            )
            if after or before:
                used.add(j)
                if tm.option == lm.option:
                    lm.start, lm.end = min(lm.start, tm.start), max(lm.end, tm.end)
                    if before and text.startswith((")", "]", "」", "】"), lm.end):
                        lm.end += 1
    rest = [t for j, t in enumerate(texts) if j not in used]
    return sorted(letters + rest, key=lambda m: m.start)


_BETWEEN = re.compile(r"\bbetween\s*\Z")
_AND = re.compile(r"\s*(?:and|&)\s*")


def reject(text: str, low: str, mentions: list[Mention]) -> None:
    """Mark the mentions their context rejects; "between A and C" only names candidates."""
    if "between" in low:
        for k, m in enumerate(mentions):
            if _BETWEEN.search(low, max(0, m.start - 10), m.start):
                m.neg = True
                if k + 1 < len(mentions) and _gap(_AND, low, m.end, mentions[k + 1].start):
                    mentions[k + 1].neg = True
    rej = Rejections(text, low)
    if not rej.hint:
        return
    for m in mentions:
        m.neg_after = rej.after(m.end)
        m.neg_before = rej.before(m.start)
        m.neg = m.neg or m.neg_after or m.neg_before


def groups(text: str, mentions: list[Mention]) -> list[Group]:
    out: list[Group] = []
    for m in mentions:
        if out and _gap(CONNECT, text, out[-1].end, m.start):
            out[-1].mentions.append(m)
        else:
            out.append(Group([m]))
    for g in out:  # "AとBは誤り", "not A or B": a rejection covers what it coordinates
        ms = g.mentions
        for k in range(len(ms) - 1, 0, -1):
            if ms[k].neg_after and _gap(_COORD, text, ms[k - 1].end, ms[k].start):
                ms[k - 1].neg = ms[k - 1].neg_after = True
        for k in range(1, len(ms)):
            if ms[k - 1].neg_before and _gap(_COORD, text, ms[k - 1].end, ms[k].start):
                ms[k].neg = ms[k].neg_before = True
    return out


def mark_listings(text: str, mentions: list[Mention]) -> None:
    """A block of lines "A. 東京 / B. 大阪 / ..." restates the options, it does not answer."""
    if "\n" not in text:
        return
    block: list[Mention] = []

    def flush() -> None:
        if len(block) >= 2 and all(a.option < b.option for a, b in pairwise(block)):
            for b in block:
                b.listing = True
        block.clear()

    for m in mentions:
        if not m.letter or m.end - m.start <= 1:
            continue
        ls = text.rfind("\n", 0, m.start) + 1
        le = text.find("\n", m.end)
        le = len(text) if le < 0 else le
        if text[ls : m.start].strip(" -•・*") or text[m.end : le].strip(" 。.,、"):
            continue
        if block and _BLANK_LINE.search(text, block[-1].end, ls):
            flush()
        block.append(m)
    flush()
