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
5. Nothing found: a number equal to one all-numeric option, or a long part of one option text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from eval_mm.metrics.answer_text import (
    Rejections,
    Sentences,
    Suffix,
    boxed,
    clean,
    lower_same_length,
)
from eval_mm.metrics.choice_mentions import (
    LETTERS,
    Group,
    Mention,
    Options,
    groups,
    letter_mentions,
    mark_listings,
    merge,
    options_info,
    reject,
    text_mentions,
)
from eval_mm.metrics.numbers import find_numbers, same_number

__all__ = [
    "AMBIGUOUS_LETTERS", "AMBIGUOUS_TEXT", "BARE", "LETTERS", "MARKER", "OPTION_TEXT", "REASONS",
    "STANDALONE", "UNPARSED", "Extraction", "extract_strict",
]  # fmt: skip

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
_BARE_STRIP = " \t\r\n\f\v()[]{}<>「」『』【】〈〉《》\"'`“”‘’.,:;。、!?！？・"

_I_VERBS = ["choose", "pick", "select", "go with", "go for", "say", "answer"]
# An answer statement that introduces the expression after it ("答えは", "The answer is").
_MARK_BEFORE = Suffix(
    heads=[
        "答え", "回答", "解答", "正解", "正答", "最終的な答え", "最終的な回答", "最終的な解答",
        "最終答え", "最終回答", "最終解答", "最終", "結論", "選ぶべきもの", "選ぶべき選択肢",
        "選ぶべき", "ものは", "ものが", "のは", "のが", "選択肢は", "選択肢が", "方は", "方が",
        "ほうは", "ほうが", "よって", "したがって", "従って", "ゆえに", "故に", "つまり",
        "以上から", "以上より", "以上のことから", "結果として", "いや", "訂正", "訂正します",
        "ずばり", "ズバリ", "実際は", "実際には", "実は", "本当は", "正しくは", "言えば", "言うと",
        "言うなら", "選ぶなら", "選ぶとすれば", "選ぶとしたら", "するなら",
        "had to choose", "have to choose", "must choose", "to choose", "のうち", "の中で",
        "の中では", "の中から", "のなかで", "among them", "among these", "of these", "答案",
        "正确答案", "最終的に", "最終的には", "結局", "要するに", "総合すると", "総合的に",
        "まとめると",
        "answer", "final answer", "correct answer", "best answer", "right answer",
        *(f"most {a} answer" for a in ("appropriate", "likely", "suitable", "accurate")),
        *(f"{p}{o} {v}" for p in ("", "correct ", "best ", "right ") for o in ("option", "choice")
          for v in ("is", "would be", "should be", "=", ":")),
        *(f"{p}{o}:" for p in ("", "correct ", "best ", "right ") for o in ("option", "choice")),
        "correct one", "right one", "best one", "true one", "my answer", "my choice", "my pick",
        "my selection", *(f"{i} {v}" for i in ("i", "i would", "i'd", "i will", "i'll")
                          for v in _I_VERBS),
        "therefore", "thus", "hence", "so", "actually", "wait",
    ],
    links=["としては", "として", "では", "は", "が", ":", "=", "→", "->", "⇒", "is", "would be",
           "should be", "must be", "will be", "be", "是", "为"],
    fillers=["おそらく", "恐らく", "多分", "たぶん", "きっと", "やはり", "probably", "likely",
             "clearly", "definitely", "option", "choice", "letter", "選択肢", "記号", "the", "it's",
             "its",
             "it is", "it would be", "not"],
    openers="([「『【\"“‘",
)  # fmt: skip
_MARK_AFTER = re.compile(
    r"[\s)\]」』】\"”’\-–—→⇒←:|]*(?:"
    r"(?:が|は|こそ)\s*(?:最も)?\s*(?:正解|正しい|正答|答え|適切|妥当|適当|ふさわしい|当てはまる"
    r"|該当する|合っている|最適)(?!かどうか|か(?:は|を|が|検討|確認)|とする|という|とは限)"
    r"|(?:以外|を除(?:いて|き|く))(?:[、,]|は|の選択肢は?|の)*(?:すべて|全て|どれも)?(?:誤|不正解|違|間違|当てはま(?:らな|りませ)|該当し(?:な|ませ))"
    r"|(?:の方|のほう)が\s*(?:より|もっと)?\s*(?:正しい|適切|妥当|ふさわしい|良い|よい|正確|的確|近い)"
    r"|を(?:選び(?:ます|ました)|選ぶ(?=[。.!！\s]|$|べきです|べきだ)|選択(?:します|しました|する(?=[。.!\s]|$))"
    r"|選んだ(?=[。.!！\s]|$)|回答(?:します|とします)|答え(?:とします|とする))"
    r"|に(?:します|しました|なります|なる)|とします|と(?:答え|回答)(?!る(?:の|こと|人)|がち|たく|てしま)"
    r"|\s*(?:is|seems|would be|should be|must be|appears to be)\s+(?:the\s+)?"
    r"(?:correct|right|best|better|true|answer|most)"
    r"|\s*[:(]?\s*(?:[○◯✓✔⭕✅]|correct\b|true\b|yes\b|正解|正しい))",
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
    r"|たぶん|きっと|やはり|option|choice|選択肢|記号)[\s,、:はがも]*)*[(\[「『【\"“'‘]*",
    re.IGNORECASE,
)
_REASON_BEFORE = re.compile(r"(?:ので|から|ため|なので|ことから|ことより)[、,]?\s*$")


def _pre_normalise(response: str, n: int) -> str:
    for i, ch in enumerate(_CIRCLED[:n]):
        if ch in response:
            response = response.replace(ch, LETTERS[i])
    return clean(response)


def _marked(text: str, low: str, lo: int, start: int) -> bool:
    """An answer statement ends right at `start` (after `lo`); across a line break only a
    heading ("### 回答\nB", "正解：\nB"), not the verdict of the line above ("... - 正解\nD")."""
    m0 = _MARK_BEFORE.start(low, lo, start)
    if m0 is None:
        return False
    if "\n" not in text[m0:start]:
        return True
    line = text.rfind("\n", 0, m0) + 1
    return not text[line:m0].strip(" #*-•>【[")


def _gap(rx: re.Pattern[str], text: str, a: int, b: int) -> bool:
    m = rx.match(text, a, b)
    return m is not None and m.end() == b


def _decide(text: str, opts: Options, whole: bool) -> Extraction | None:
    low = lower_same_length(text)
    texts = text_mentions(text, opts, low)
    marked = lambda s: _marked(text, low, max(0, s - 40), s)  # noqa: E731
    mentions = merge(letter_mentions(text, opts, texts, marked), texts, text)
    if not mentions:
        return None
    reject(text, low, mentions)
    mark_listings(text, mentions)
    gs = groups(text, mentions)
    if not whole:  # inside \boxed{}: the whole content is the statement
        return _verdict(set().union(*(g.positives() for g in gs)), gs, MARKER)
    sents: Sentences | None = None
    strong: list[Group] = []
    medium: list[Group] = []
    for k, g in enumerate(gs):
        if not g.positives():
            continue
        listing = all(m.listing for m in g.mentions)
        lo = gs[k - 1].end if k else 0
        if (not listing and _marked(text, low, max(lo, g.start - 40), g.start)) or (
            not g.mentions[-1].neg and _MARK_AFTER.match(text, g.end)
        ):
            strong.append(g)
            continue
        if listing:
            continue
        sents = sents or Sentences(text)
        s0, s1 = sents.start_of(g.start), sents.end_of(g.end)
        if _gap(_MED_AFTER, text, g.end, s1) and (
            _gap(_MED_BEFORE, text, s0, g.start) or _REASON_BEFORE.search(text, s0, g.start)
        ):
            medium.append(g)
    for chosen, reason in ((strong, MARKER), (medium, STANDALONE)):
        if chosen:
            return _verdict(chosen[-1].positives(), [chosen[-1]], reason)
    return _weak(mentions, gs)


def _weak(mentions: list[Mention], gs: list[Group]) -> Extraction:
    """No statement: the only option mentioned (letters before texts), else ambiguous."""
    pos_letters = {m.option for m in mentions if m.letter and not m.neg and not m.listing}
    if pos_letters:
        return _verdict(pos_letters, gs, STANDALONE)
    pos_texts = {m.option for m in mentions if not m.letter and not m.neg and not m.listing}
    if pos_texts:
        return _verdict(pos_texts, gs, OPTION_TEXT)
    if any(m.listing and not m.neg for m in mentions):
        return Extraction(None, AMBIGUOUS_LETTERS)
    return Extraction(None, UNPARSED)


def _verdict(options: set[int], gs: list[Group], reason: str) -> Extraction:
    letter = any(g.has_letter() for g in gs)
    if len(options) == 1:
        if reason != OPTION_TEXT and not letter:
            reason = OPTION_TEXT
        return Extraction(LETTERS[next(iter(options))], reason)
    if not options:
        return Extraction(None, UNPARSED)
    return Extraction(None, AMBIGUOUS_LETTERS if letter else AMBIGUOUS_TEXT)


def _by_number(text: str, opts: Options) -> Extraction | None:
    """All-numeric options: a stated number equal to exactly one option (24.0 for 24)."""
    if opts.values is None:
        return None
    rej = Rejections(text)
    nums = [n for n in find_numbers(text, words=True) if not rej(n.start, n.end)]
    if not nums:
        return None
    hits = {i for i, v in enumerate(opts.values) if same_number(v, nums[-1])}
    return Extraction(LETTERS[hits.pop()], OPTION_TEXT) if len(hits) == 1 else None


def _by_part(text: str, opts: Options) -> Extraction | None:
    """Nothing quoted whole: a long enough part of exactly one option's text, found in no other
    option ("体を温めるのが目的" for 「体を温めるため」): at least 5 characters and 60 % of it,
    with no other option quoted in part elsewhere (4 characters and half of it)."""
    key = "".join(text.split()).casefold()
    hits: dict[int, tuple[int, int]] = {}
    near: dict[int, tuple[int, int]] = {}
    for i, _, _, opt in opts.patterns:
        k = opt.casefold()
        if len(k) < 4:
            continue
        m = SequenceMatcher(None, k, key, autojunk=False).find_longest_match(0, len(k), 0, len(key))
        part, span = k[m.a : m.a + m.size], (m.b, m.b + m.size)
        if m.size >= 4 and 2 * m.size >= len(k):
            near[i] = span
        others = (o.casefold() for j, _, _, o in opts.patterns if j != i)
        if m.size >= max(5, -(-len(k) * 3 // 5)) and not any(part in o for o in others):
            hits[i] = span
    if len(hits) != 1:
        return None
    (idx, (a, b)), = hits.items()
    if any(j != idx and not (a <= s and e <= b) for j, (s, e) in near.items()):
        return None  # "器を温め湯を冷ます": two options in part
    return Extraction(LETTERS[idx], OPTION_TEXT)


_SIMPLE_PRE = re.compile(
    r"(?:答え|回答|解答|正解|正答|最終的な答え|最も適切なのは|正しいのは"
    r"|(?:the )?(?:final |correct )?answer|i think the answer)\s*(?:は|:|=|→|is)?\s*",
    re.IGNORECASE,
)
_COPULAS = ("だと思います", "と思います", "でしょう", "である", "です", "だ")
_VERDICTS = ("が正解", "が正しい", "が答え")
_SIMPLE_LT = re.compile(r"([A-Z])\s*(?:[.:)\]」』】の、\-]\s*|\s+)(.+)")
_SIMPLE_CONTRAST = re.compile(r"(.+?)\s*(?:ではなく(?:て)?|じゃなくて|でなく)[、,]?\s*(.+)")
_SIMPLE_SPLIT = re.compile(r"\s*(?:,|、|/|・|と|か|または|\bor\b|\band\b)\s*(?:or\s+|and\s+)?")


def _one_option(t: str, opts: Options, lower_ok: bool) -> tuple[int, bool] | None:
    """(option, written as a letter) when `t` is just one option: a letter, its text, or both."""
    t = t.strip(" ()[]「」『』【】\"'")
    if len(t) == 1:
        upper = t.upper()
        if upper in opts.letters and (lower_ok or t == upper):
            return opts.letters.index(upper), True
    idx = opts.keys.get("".join(t.split()).casefold())
    if idx is not None:
        return idx, False
    m = _SIMPLE_LT.fullmatch(t)
    if m and m.group(1) in opts.letters:
        i = opts.letters.index(m.group(1))
        if opts.keys.get("".join(m.group(2).split()).casefold()) == i:
            return i, True
    return None


def _read(one: tuple[int, bool], strong: bool) -> Extraction:
    reason = (MARKER if strong else STANDALONE) if one[1] else OPTION_TEXT
    return Extraction(LETTERS[one[0]], reason)


def _simple(text: str, opts: Options) -> Extraction | None:
    """One short line that is only an answer ("答えはBです", "(B) 大阪", "答えは大阪です。",
    "AではなくBです", "A or B"): the reading the full rules give, found without them
    (throughput; `tests/metrics/test_strict_corpus.py` checks the two agree). None: use the
    rules."""
    if len(text) > 60 or "\n" in text:
        return None
    pre = _SIMPLE_PRE.match(text)
    t = (text[pre.end() :] if pre else text).rstrip(" 。.!！")
    for c in _COPULAS:
        if t.endswith(c):
            t = t[: -len(c)].rstrip()
            break
    strong = pre is not None
    one = _one_option(t, opts, strong)
    if one is not None:
        return _read(one, strong)
    if t.endswith(_VERDICTS):
        t, strong = t[: -len(next(v for v in _VERDICTS if t.endswith(v)))], True
    m = _SIMPLE_CONTRAST.fullmatch(t)
    if m:
        x, y = _one_option(m.group(1), opts, False), _one_option(m.group(2), opts, False)
        return _read(y, strong) if x and y and x[0] != y[0] else None
    parts = _SIMPLE_SPLIT.split(t)
    if len(parts) > 1:  # "A, B, C, or D", "東京と大阪": several options, none chosen
        read = [_one_option(p, opts, False) for p in parts]
        if all(read) and len({r[0] for r in read if r}) > 1:
            letter = any(r[1] for r in read if r)
            return Extraction(None, AMBIGUOUS_LETTERS if letter else AMBIGUOUS_TEXT)
    return None


def extract_strict(response: str, options: Sequence[str]) -> Extraction:
    """A letter or None with a reason code, never a guess (docs/metrics.md, multiple choice)."""
    return _extract(response, options, fast=True)


def _extract(response: str, options: Sequence[str], fast: bool) -> Extraction:
    if not 0 < len(options) <= len(LETTERS):
        raise ValueError(f"need 1..26 options, got {len(options)}")
    opts = options_info(tuple(options))
    text = _pre_normalise(response, len(options))
    if not text:
        return Extraction(None, UNPARSED)
    bare = text.strip(_BARE_STRIP)
    if len(bare) == 1 and bare.upper() in opts.letters:
        return Extraction(bare.upper(), BARE)
    if fast and (got := _simple(text, opts)) is not None:
        return got
    box = boxed(text) if "\\" in text else None
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
    return _by_number(text, opts) or _by_part(text, opts) or Extraction(None, UNPARSED)
