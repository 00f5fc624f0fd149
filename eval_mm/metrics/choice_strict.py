"""Strict multiple-choice extraction (`mc_extract_ja@2`; rules in docs/metrics.md).

A response is read as a grader reads it:

1. Clean-up (circled numbers to letters, NFKC, markdown, LaTeX). A lone letter is the answer
   (`bare`); so is the letter of the last `\\boxed{}`.
2. Mentions: option letters standing alone (not "I think", "A cat", the unit in "10 A", a range
   "A〜D", nor a capital inside a quoted option text) and quoted option texts (with word
   edges, the longest quote winning: 東京都 over 東京). A letter next to its own option text
   ("B. 大阪", "大阪 (B)") is one mention. A mention rejected by its context ("AではなくB",
   "not A", "A is incorrect", "A ×") is negative.
3. Mentions joined by connectors ("と", "or", "、", "ではなく") form one answer expression.
4. The answer is the last expression that an answer statement introduces ("答えは…",
   "The answer is…", "…が正解", "I choose…"), else the last one that stands as a sentence of
   its own ("Bです。", "B. 大阪", "…なので、Bです"), else the only option mentioned. A
   restated option list is not an answer. Several options left in the deciding expression
   make the response ambiguous (counted wrong, reason `ambiguous_*`), never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from eval_mm.metrics.answer_text import (
    NEG_AFTER,
    Sentences,
    boxed,
    clean,
    negated,
    negated_before,
    word_edges_ok,
)
from eval_mm.metrics.numbers import find_numbers, parse_number, same_number

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
BARE, MARKER, STANDALONE, OPTION_TEXT = "bare", "marker", "standalone", "option_text"
AMBIGUOUS_LETTERS, AMBIGUOUS_TEXT, UNPARSED = "ambiguous_letters", "ambiguous_text", "unparsed"
REASONS = (BARE, MARKER, STANDALONE, OPTION_TEXT, AMBIGUOUS_LETTERS, AMBIGUOUS_TEXT, UNPARSED)


@dataclass(frozen=True)
class Extraction:
    """The extracted letter (None when there is no single answer) and the rule that decided."""

    letter: str | None
    reason: str

    @property
    def ambiguous(self) -> bool:
        return self.reason.startswith("ambiguous")


_CIRCLED = "①②③④⑤⑥⑦⑧⑨"
_BARE_STRIP = " \t\r\n\f\v()[]{}「」『』【】〈〉《》\"'`“”‘’.,:;。、!?！？・"
_LETTER = re.compile(r"(?<![A-Za-z0-9])[A-Za-z](?![A-Za-z0-9])")
# "A cat", "I think": an article or pronoun, unless a verb or connector follows the letter.
_A_KEEP = frozenset(
    (
        "is", "was", "seems", "appears", "looks", "would", "could", "should", "must", "can",
        "might", "may", "and", "or", "but", "nor", "because", "since", "as", "then", "vs", "to",
        "through", "also", "too", "only", "alone", "instead", "rather", "not", "does",
        "doesn't", "matches", "fits", "describes", "corresponds", "best", "correctly", "seem",
        "remains", "stands"
    )
)
_I_PRONOUN = frozenset(
    (
        "think", "believe", "am", "would", "will", "guess", "choose", "pick", "select", "go",
        "say", "feel", "see", "can", "cannot", "could", "should", "must", "might", "may", "do",
        "did", "don't", "have", "had", "know", "suppose", "assume", "conclude", "agree",
        "prefer", "chose", "picked", "selected", "need", "want", "get", "found", "notice",
        "consider", "also", "really", "personally", "strongly", "'d", "'ll", "'ve", "'m"
    )
)
_NEXT_WORD = re.compile(r" ([a-z']+)")
_RANGE = re.compile(r"([A-Z])\s*(?:[-~〜–—～]|から|to|through)\s*([A-Z])(?![A-Za-z0-9])")
_UNIT_BEFORE = re.compile(r"\d ?\Z")
_MERGE_AFTER = re.compile(r"[\s.:)\]」』】\-–—=→の、,(「『]{0,4}")
_MERGE_BEFORE = re.compile(r"[\s(\[「『【:\-–—→=、,]{0,3}")
# Mentions on one line joined by these form one answer expression ("AではなくB", "A or B").
_CONNECT = re.compile(
    r"(?:[ \t,、/・()\[\]「」『』\"'“”]|and\b|or\b|but\b|nor\b|vs\.?|also\b|と|か|や|及び"
    r"|および|でも|または|又は|もしくは|あるいは|ないし|ではなく(?:て)?|じゃなく(?:て)?|でなく|でもなく|であって"
    r"|であり|ではありません|not\b|rather than|instead of)*",
    re.IGNORECASE,
)
# A rejection after a mention also rejects the mentions coordinated with it ("AとBは誤り").
_COORD = re.compile(
    r"[ \t,、/・]*(?:と|や|及び|および|and|or|nor|でも|も|か|または)?[ \t,、/・]*", re.I
)
_MARK_BEFORE = re.compile(
    r"(?:答え|回答|解答|正解|正答|最終(?:的な)?(?:答え|回答|解答)?|結論|選ぶべき(?:もの|選択肢)?"
    r"|(?:もの|の|選択肢|方|ほう)(?:は|が)|よって|したがって|従って|ゆえに|故に|つまり"
    r"|以上(?:から|より|のことから)|結果として|いや|訂正(?:します)?|ずばり|ズバリ"
    r"|(?:final |correct |best |right |most (?:appropriate|likely|suitable|accurate) )?answer"
    r"|(?:correct |best |right )?(?:option|choice)\s*(?:is|would be|should be|=|:)"
    r"|(?:correct|right|best|true) one"
    r"|my (?:answer|choice|pick|selection)|\bI(?: would|'d| will|'ll)? (?:choose|pick|select"
    r"|go (?:with|for)|say|answer)|therefore|thus|hence|\bso\b|actually|\bwait|実際(?:に)?は"
    r"|本当は|正しくは)"
    r"[\s)\]」』】]*(?:としては|として|では|は|が|:|=|→|->|⇒|\bis\b|would be|should be|must be"
    r"|will be|\bbe\b)?[\s:]*"
    r"(?:(?:おそらく|恐らく|多分|たぶん|きっと|やはり|probably|likely|clearly|definitely|option"
    r"|choice|letter|選択肢|記号|the|it'?s|it is|it would be)[\s,]*)*[(\[「『【\"“‘]?\s*$",
    re.IGNORECASE,
)
_MARK_AFTER = re.compile(
    r"[\s)\]」』】\"”’\-–—→⇒:]*(?:"
    r"(?:が|は|こそ)\s*(?:最も)?\s*(?:正解|正しい|正答|答え|適切|妥当|適当|ふさわしい|当てはまる"
    r"|該当する|合っている|最適)"
    r"|(?:の方|のほう)が\s*(?:より|もっと)?\s*(?:正しい|適切|妥当|ふさわしい|良い|よい|正確|的確|近い)"
    r"|を(?:選|回答し|答え)(?![^。、\n]{0,6}(?:場合|なら|たら|とき|時は|と、))"
    r"|に(?:します|しました|なります|なる)|とします|と(?:答え|回答)(?!る(?:の|こと))"
    r"|\s*(?:is|seems|would be|should be|must be|appears to be)\s+(?:the\s+)?"
    r"(?:correct|right|best|better|true|answer|most)"
    r"|\s*[:]?\s*(?:[○◯✓✔⭕]|correct\b|true\b|正解|正しい))",
    re.IGNORECASE,
)
_MED_AFTER = re.compile(
    r"(?:[\s)\]」』】\"”’.,、:]|です|だ|である|でしょう|でございます|と思います|と思う|と思われます"
    r"|だと思います|だと思う|と考えます|だと考えます|と考えられます|と推測します|と判断します"
    r"|でしょうか|かな|かと思います|ではないでしょうか|ではないかと思います|じゃないかな|だろう"
    r"|であろう|になります|となります|ね|よ|is my answer|would be my answer|for sure|probably|is\b"
    r"|I think|I guess|I believe)*",
    re.IGNORECASE,
)
_MED_BEFORE = re.compile(
    r"\s*(?:[-•・]\s*|\d+[.)]\s*)?(?:(?:it'?s|it is|that'?s|that is|this is|i think|i believe"
    r"|i guess|i'd say|probably|likely|maybe|perhaps|definitely|clearly|おそらく|恐らく|多分"
    r"|たぶん|きっと|やはり|option|choice|選択肢|記号)[\s,、:はがも]*)*",
    re.IGNORECASE,
)
_REASON_BEFORE = re.compile(r"(?:ので|から|ため|なので|ことから|ことより)[、,]?\s*$")
_QA_PREFIX = re.compile(r"^\s*Q\s*[.:]", re.MULTILINE)


@dataclass
class _Mention:
    start: int
    end: int
    option: int
    letter: bool  # a letter (possibly with its text) rather than a quoted text
    neg: bool = False
    neg_after: bool = False  # rejected by what follows it ("Aは誤り")
    neg_before: bool = False  # rejected by what precedes it ("not A")
    listing: bool = False


@dataclass
class _Group:
    mentions: list[_Mention] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.mentions[0].start

    @property
    def end(self) -> int:
        return self.mentions[-1].end

    def positives(self, listing_ok: bool = True) -> set[int]:
        return {m.option for m in self.mentions if not m.neg and (listing_ok or not m.listing)}

    def has_letter(self) -> bool:
        return any(m.letter and not m.neg for m in self.mentions)


@dataclass(frozen=True)
class _Options:
    letters: str
    patterns: tuple[tuple[int, re.Pattern[str], str], ...]
    values: tuple[object, ...] | None  # numbers of all-numeric options, for "答えは24.0"


@lru_cache(maxsize=8192)
def _options(options: tuple[str, ...]) -> _Options:
    pats = []
    for i, opt in enumerate(options):
        text = clean(opt).strip(" 。、．，,.!?！？")
        key = "".join(text.split())
        if not key or (len(key) == 1 and key.upper() in LETTERS[: len(options)] + "AI"):
            continue  # an option text that is an option letter is read as the letter
        body = r"\s*".join(re.escape(c) for c in key)
        pats.append((i, re.compile(body, re.IGNORECASE), key))
    nums = [parse_number(clean(o)) for o in options]
    values = tuple(nums) if all(n is not None for n in nums) else None
    return _Options(LETTERS[: len(options)], tuple(pats), values)


def _pre_normalise(response: str, n: int) -> str:
    for i, ch in enumerate(_CIRCLED[:n]):
        if ch in response:
            response = response.replace(ch, LETTERS[i])
    return clean(response)


def _text_mentions(text: str, opts: _Options) -> list[_Mention]:
    found = []
    for i, pat, key in opts.patterns:
        for m in pat.finditer(text):
            if word_edges_ok(text, m.start(), m.end(), key):
                found.append((m.end() - m.start(), m.start(), m.end(), i))
    kept: list[_Mention] = []
    for _, s, e, i in sorted(found, key=lambda t: (-t[0], t[1])):
        if all(e <= k.start or k.end <= s for k in kept):
            kept.append(_Mention(s, e, i, letter=False))
    return kept


def _letter_ok(text: str, m: re.Match[str], qa: bool) -> bool:
    ch, i = m.group(), m.start()
    if ch in "AI":
        w = _NEXT_WORD.match(text, i + 1)
        if w is not None:
            word = w.group(1)
            if (ch == "A" and word not in _A_KEEP) or (ch == "I" and word in _I_PRONOUN):
                return False
        if ch == "I" and text.startswith("'", i + 1):
            return False
    if i and _UNIT_BEFORE.search(text, max(0, i - 2), i):
        return False  # the unit of "10 A", "5 V"
    line_start = i == 0 or text[i - 1] == "\n"
    # "Q: ... A: B" - the answer label, not option A
    return not (qa and ch == "A" and line_start and text.startswith(":", i + 1))


def _letter_mentions(text: str, opts: _Options, texts: list[_Mention]) -> list[_Mention]:
    ranges = {p for r in _RANGE.finditer(text) for p in (r.start(1), r.start(2))}
    qa = _QA_PREFIX.search(text) is not None
    out = []
    for m in _LETTER.finditer(text):
        ch = m.group()
        upper = ch.upper()
        if upper not in opts.letters or m.start() in ranges:
            continue
        s = m.start()
        if any(t.start <= s < t.end for t in texts):
            continue  # a capital inside a quoted option text ("A ∧ B", "ビタミンC")
        bracketed = s and text[s - 1] in "([「【" and text.startswith(")", s + 1)
        if ch != upper and not bracketed and not _MARK_BEFORE.search(text, max(0, s - 40), s):
            continue  # lower case counts only as "(b)" or right after an answer marker
        if not _letter_ok(text, m, qa):
            continue
        out.append(_Mention(s, m.end(), opts.letters.index(upper), letter=True))
    return out


def _merge(letters: list[_Mention], texts: list[_Mention], text: str) -> list[_Mention]:
    """Join a letter with its own adjacent option text; drop a mismatched adjacent text."""
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


def _gap(rx: re.Pattern[str], text: str, a: int, b: int) -> bool:
    m = rx.match(text, a, b)
    return m is not None and m.end() == b


def _groups(text: str, mentions: list[_Mention]) -> list[_Group]:
    groups: list[_Group] = []
    for m in mentions:
        if groups and _gap(_CONNECT, text, groups[-1].end, m.start):
            groups[-1].mentions.append(m)
        else:
            groups.append(_Group([m]))
    for g in groups:  # "AとBは誤り", "not A or B": a rejection covers what it coordinates
        ms = g.mentions
        for k in range(len(ms) - 1, 0, -1):
            if ms[k].neg_after and _gap(_COORD, text, ms[k - 1].end, ms[k].start):
                ms[k - 1].neg = ms[k - 1].neg_after = True
        for k in range(1, len(ms)):
            if ms[k - 1].neg_before and _gap(_COORD, text, ms[k - 1].end, ms[k].start):
                ms[k].neg = ms[k].neg_before = True
    return groups


def _mark_listings(text: str, mentions: list[_Mention]) -> None:
    """A block of lines "A. 東京 / B. 大阪 / ..." restates the options, it does not answer."""
    block: list[_Mention] = []

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
        if block and text[block[-1].end : ls].count("\n") > 1:
            flush()
        block.append(m)
    flush()


def _decide(text: str, opts: _Options, whole: bool) -> Extraction | None:
    texts = _text_mentions(text, opts)
    letters = _letter_mentions(text, opts, texts)
    mentions = _merge(letters, texts, text)
    if not mentions:
        return None
    for m in mentions:
        m.neg_after = NEG_AFTER.match(text, m.end) is not None
        m.neg_before = negated_before(text, m.start)
        m.neg = m.neg_after or m.neg_before
    _mark_listings(text, mentions)
    groups = _groups(text, mentions)
    if not whole:  # inside \boxed{}: the whole content is the statement
        return _verdict(set().union(*(g.positives() for g in groups)), groups, MARKER)
    sents = Sentences(text)
    strong, medium = [], []
    for k, g in enumerate(groups):
        pos = g.positives()
        if not pos:
            continue
        lo = groups[k - 1].end if k else 0
        listing = all(m.listing for m in g.mentions)
        if (not listing and _marked_before(text, max(lo, g.start - 40), g.start)) or (
            not g.mentions[-1].neg and _MARK_AFTER.match(text, g.end)
        ):
            strong.append(g)
            continue
        if listing:
            continue
        s0, s1 = sents.start_of(g.start), sents.end_of(g.end)
        if _gap(_MED_AFTER, text, g.end, s1) and (
            _gap(_MED_BEFORE, text, s0, g.start) or _REASON_BEFORE.search(text, s0, g.start)
        ):
            medium.append(g)
    for chosen, reason in ((strong, MARKER), (medium, STANDALONE)):
        if chosen:
            g = chosen[-1]
            return _verdict(g.positives(), [g], reason)
    pos_letters = {m.option for m in mentions if m.letter and not m.neg and not m.listing}
    if pos_letters:
        return _verdict(pos_letters, groups, STANDALONE)
    pos_texts = {m.option for m in mentions if not m.letter and not m.neg and not m.listing}
    if pos_texts:
        return _verdict(pos_texts, groups, OPTION_TEXT)
    if any(m.listing and not m.neg for m in mentions):
        return Extraction(None, AMBIGUOUS_LETTERS)
    return Extraction(None, UNPARSED)


def _marked_before(text: str, lo: int, start: int) -> bool:
    """An answer statement ends right before `start`; across a line break only a heading
    ("### 回答\nB", "正解：\nB"), not the verdict of the line above ("... - 正解\nD")."""
    m = _MARK_BEFORE.search(text, lo, start)
    if m is None:
        return False
    if "\n" not in text[m.start() : start]:
        return True
    line = text.rfind("\n", 0, m.start()) + 1
    return not text[line : m.start()].strip(" #*-•>【[")


def _verdict(options: set[int], groups: list[_Group], reason: str) -> Extraction:
    letter = any(g.has_letter() for g in groups)
    if len(options) == 1:
        idx = next(iter(options))
        if reason != OPTION_TEXT and not letter:
            reason = OPTION_TEXT
        return Extraction(LETTERS[idx], reason)
    if not options:
        return Extraction(None, UNPARSED)
    return Extraction(None, AMBIGUOUS_LETTERS if letter else AMBIGUOUS_TEXT)


def _by_number(text: str, opts: _Options) -> Extraction | None:
    """All-numeric options: a stated number equal to exactly one option (24.0 for 24)."""
    if opts.values is None:
        return None
    nums = [n for n in find_numbers(text, words=True) if not negated(text, n.start, n.end)]
    if not nums:
        return None
    hits = {i for i, v in enumerate(opts.values) if same_number(v, nums[-1])}  # type: ignore[arg-type]
    return Extraction(LETTERS[hits.pop()], OPTION_TEXT) if len(hits) == 1 else None


def extract_strict(response: str, options: Sequence[str]) -> Extraction:
    """A letter or None with a reason code, never a guess (docs/metrics.md, multiple choice)."""
    if not 0 < len(options) <= len(LETTERS):
        raise ValueError(f"need 1..26 options, got {len(options)}")
    opts = _options(tuple(options))
    text = _pre_normalise(response, len(options))
    if not text:
        return Extraction(None, UNPARSED)
    bare = text.strip(_BARE_STRIP)
    if len(bare) == 1 and bare.upper() in opts.letters:
        return Extraction(bare.upper(), BARE)
    box = boxed(text)
    if box:
        inner = box.strip(_BARE_STRIP)
        if len(inner) == 1 and inner.upper() in opts.letters:
            return Extraction(inner.upper(), MARKER)
        got = _decide(box, opts, whole=False)
        if got is not None and got.letter is not None:
            return got
    got = _decide(text, opts, whole=True)
    if got is not None and got.reason != UNPARSED:
        return got
    return _by_number(text, opts) or Extraction(None, UNPARSED)
