"""Shared pieces of the strict answer readers (docs/metrics.md, "Strict rules").

The strict extractors (multiple choice, open answers, yes/no, JDocQA) read a response the same
way: one clean-up (`clean`), one notion of sentence, one `\\boxed{}` rule and one set of
negation and contrast patterns, so that "not X but Y" means the same thing everywhere.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from eval_mm.metrics.normalize import nfkc

# ---------------------------------------------------------------- clean-up

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻"
_SUP_RUN = re.compile(f"[{_SUPERSCRIPTS}]+")
_SUP_TABLE = str.maketrans(_SUPERSCRIPTS, "0123456789+-")
_LATEX_WRAP = re.compile(r"\\(?:text|textbf|mathrm|mathbf|mbox|operatorname|textit)\s*\{([^{}]*)\}")
_LATEX_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_LATEX_TOKENS = (
    ("\\times", "×"), ("\\cdot", "·"), ("\\div", "÷"), ("\\%", "%"), ("{,}", ","), ("\\,", ""),
    ("\\!", ""), ("\\left", ""), ("\\right", ""), ("\\(", ""), ("\\)", ""), ("\\[", ""),
    ("\\]", ""), ("$", ""), ("\\pm", "±"), ("\\approx", "≈"), ("\\neq", "≠"), ("\\ne", "≠"),
)  # fmt: skip
_MARKDOWN = re.compile(r"\*\*|__|~~|`|(?<![\d\s])\*|\*(?![\d\s])")
_LINE_PREFIX = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?)", re.MULTILINE)
_SPACES = re.compile(r"[ \t\f\v]+")


def clean(text: str) -> str:
    """NFKC, LaTeX wrappers and markdown markers removed, spaces collapsed, trimmed.

    Superscript digits become `^n` first (NFKC would glue them to the base: 10³ -> 103)."""
    if _SUP_RUN.search(text):
        text = _SUP_RUN.sub(lambda m: "^" + m.group().translate(_SUP_TABLE), text)
    text = nfkc(text)
    if "\\" in text or "$" in text or "{," in text:
        text = _LATEX_FRAC.sub(r"\1/\2", _LATEX_WRAP.sub(r"\1", _LATEX_WRAP.sub(r"\1", text)))
        for old, new in _LATEX_TOKENS:
            text = text.replace(old, new)
    if "*" in text or "_" in text or "`" in text or "~" in text:
        text = _MARKDOWN.sub("", text)
    if "#" in text or ">" in text:
        text = _LINE_PREFIX.sub("", text)
    if "  " in text or "\t" in text or "\f" in text or "\v" in text:
        text = _SPACES.sub(" ", text)
    return text.strip()


_BOXED = re.compile(r"\\(?:boxed|fbox)\s*\{")


def boxed(text: str) -> str | None:
    """The content of the last `\\boxed{...}` (nested braces matched), or None."""
    starts = [m.end() for m in _BOXED.finditer(text)]
    if not starts:
        return None
    i = depth = starts[-1]
    depth = 1
    while i < len(text):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[starts[-1] : i].strip()
        i += 1
    return text[starts[-1] :].strip()


# ---------------------------------------------------------------- sentences

# A full stop ends a sentence unless a digit follows (3.5) or a letter precedes it as an
# abbreviation inside a word (e.g.); newlines and Japanese/English end marks always do.
_BOUNDARY = re.compile(r"[。！？!?\n]|\.(?!\d)")


class Sentences:
    """Sentence boundaries of one text, for "the rest of this sentence" look-ups."""

    __slots__ = ("ends", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.ends = [m.start() for m in _BOUNDARY.finditer(text)]

    def start_of(self, pos: int) -> int:
        """Index just after the last boundary before `pos` (0 at the start)."""
        i = bisect_right(self.ends, pos - 1)
        return self.ends[i - 1] + 1 if i else 0

    def end_of(self, pos: int) -> int:
        """Index of the first boundary at or after `pos` (len(text) when none)."""
        i = bisect_right(self.ends, pos - 1)
        return self.ends[i] if i < len(self.ends) else len(self.text)

    def spans(self) -> list[tuple[int, int]]:
        out, start = [], 0
        for end in [*self.ends, len(self.text)]:
            if self.text[start:end].strip():
                out.append((start, end))
            start = end + 1
        return out


# ---------------------------------------------------------------- negation and contrast

# After a mention: "Aではなく", "Aではない" (not "ではないでしょうか", a hedged yes),
# "Aは誤り", "A is not", "A is incorrect", verdict marks. Checked at the mention's end.
NEG_AFTER = re.compile(
    r"[\s)\]」』】>\"'”’.…:\-–—→⇒←、,|?？]*(?:"
    r"(?:で|じゃ)(?:は|も)?(?:なく|無く|なかった|なさそう|ない(?!(?:の)?(?:でしょう|だろう|ですか|か|かな|かと|ように))"
    r"|ありません|ございません|ありませ)"
    r"|(?:は|が)?\s*(?:誤り|誤っ|誤答|間違い(?!な|あり|ござ)|間違っ|不正解|不適切|不適当|正しくな|正しくあ"
    r"|違(?:う|い(?!な)|います|っ)|当てはまらな|あてはまらな|該当しな|適切ではな|適切でな|適切とは言"
    r"|正解ではな|正解ではあ|正解とは言|答えではな|除外|除か|排除|ありえな|あり得な)"
    r"|(?:以外|を除(?:いて|き|く))(?!(?:[、,]|は|の選択肢は?|の)*(?:すべて|全て|どれも)?(?:誤|不正解|違|間違|当てはま(?:らな|りませ)|該当し(?:な|ませ)))"
    r"|より(?:も)?(?!前|後|大|小|多|少|高|低|長|短)"
    r"|を(?:選ぶ|選択する)(?:べきでは|のは(?:誤り|間違い|不適切))|(?:は|を)(?:選ば|選べ)な"
    r"|(?:か|で|と)?(?:迷|悩)(?:っ|い|み)|(?:か|だ)?と思(?:った|いました|われました|っていました)(?:が|けど)"
    r"|\s*(?:(?:is|are|was|would be|seems|appears|looks|can be|could be|'s)\s+(?:also\s+)?"
    r"(?:not\b|incorrect|wrong|false|eliminated|ruled out|excluded|unlikely|implausible"
    r"|a distractor)|(?:is|are|was|does|do)n't\b"
    r"|\s*(?:does|do|did|can|could|will|would|should|must)(?:\s+not\b|n't\b)|\s*won't\b"
    r"|\s*[:(\-–—]\s*(?:incorrect|wrong|false|not correct|eliminated)\b)"
    r"|\s*[:(]?\s*(?:[×✗✘❌❎]|no\b)|とは(?:言え|いえ|限ら)(?:ない|ません)|と言いたい|と思いきや"
    r"|というより|(?:の)?可能性も(?:あ|考え)|も考えられ|もあり得|も捨てきれ|も捨てがた"
    r"|(?:は|が)?(?:考えにく|ありそうにな|可能性は低|可能性が低)"
    r"|[^。\n、]{0,8}?(?:と言いたい|がち(?:です|だ|ですが|だが)|と思いきや|と見せかけ|と思うかもしれ)"
    r"|(?:と|を)(?:答える|選ぶ|選択する|回答する)(?:の|こと)(?:は|が)(?:誤り|間違い|不正解|正しくな|適切で)"
    r")",
    re.IGNORECASE,
)


def _by_last(words: list[str]) -> dict[str, tuple[str, ...]]:
    """Words indexed by their last character, longest first."""
    out: dict[str, list[str]] = {}
    for w in sorted(set(words), key=len, reverse=True):
        out.setdefault(w[-1], []).append(w)
    return {k: tuple(v) for k, v in out.items()}


class Suffix:
    """Does a text end with: a head phrase, optional closing brackets, an optional link
    ("は", "is"), optional fillers ("おそらく", "the") and an opening bracket? Literal suffix
    tests from the end (a regex search would try every start position of the text)."""

    def __init__(
        self, heads: list[str], links: list[str], fillers: list[str], openers: str
    ) -> None:
        self.heads, self.links, self.fillers = _by_last(heads), _by_last(links), _by_last(fillers)
        self.openers = openers + " \t\n"

    @staticmethod
    def _word_ok(low: str, lo: int, i: int, w: str) -> bool:
        """An ASCII word may not continue a word before it ("so" in "also"; "n't" may)."""
        if not (w[0].isascii() and w[0].isalpha()) or w.startswith("n'"):
            return True
        return not (i > lo and low[i - 1].isascii() and low[i - 1].isalpha())

    def _strip(self, low: str, lo: int, i: int, chars: str) -> int:
        while i > lo and low[i - 1] in chars:
            i -= 1
        return i

    def _one(self, words: dict[str, tuple[str, ...]], low: str, lo: int, i: int) -> int | None:
        if i <= lo:
            return None
        for w in words.get(low[i - 1], ()):
            if low.endswith(w, lo, i) and self._word_ok(low, lo, i - len(w), w):
                return i - len(w)
        return None

    def start(self, low: str, lo: int, end: int) -> int | None:
        """Where the head starts when low[lo:end] ends with the phrase, else None. `low` is
        the lower-cased text."""
        i = self._strip(low, lo, end, self.openers)
        while (j := self._one(self.fillers, low, lo, i)) is not None:
            i = self._strip(low, lo, j, " \t\n,")
        i = self._strip(low, lo, i, " \t\n:、,")
        for k in (self._one(self.links, low, lo, i), i):
            if k is None:
                continue
            h = self._one(self.heads, low, lo, self._strip(low, lo, k, " \t\n)]」』】\"'”’"))
            if h is not None:
                return h
        return None


# Before a mention: "not A", "isn't (A)", "rather than A", "instead of A" (not "not only A").
NEG_BEFORE = Suffix(
    heads=["not", "n't", "never", "rather than", "instead of", "other than", "except",
           "except for", "excluding", "nor", "neither", "eliminate", "rule out", "can't be",
           "cannot be", "最初は", "初めは", "一見"],
    links=[],
    fillers=["just", "the", "option", "choice", "answer", "letter", "選択肢", "is", "are", "be",
             "choose", "pick", "select", "go with", "say"],
    openers="([「『【\"'“‘",
)  # fmt: skip
# Every trigger of NEG_AFTER / NEG_BEFORE contains one of these: a text without any is read
# without running them (most short answers).
_NEG_HINTS = (
    "な", "ませ", "誤", "間違", "不", "正しく", "違", "とは", "では", "除", "排", "以外", "より",
    "迷", "悩", "思", "言い", "という", "可能性", "考え", "得", "捨て", "見せ", "最初", "初め",
    "一見", "×", "✗", "✘", "❌", "❎", "no", "not", "n't", "never", "rather", "instead", "other",
    "except", "exclud",
    "nor", "neither", "elimin", "rule", "can't", "cannot", "wrong", "false", "incorrect",
    "unlikely", "implausible", "distractor",
)  # fmt: skip


_NOT_LABEL = re.compile(
    r"\b(?:not|n't|rather than|instead of|other than|except)\s+(?:[a-z'-]+\s+){0,3}\(\Z"
)


_NEG_HINT_RX = re.compile("|".join(re.escape(h) for h in sorted(_NEG_HINTS, key=len, reverse=True)))


def lower_same_length(text: str) -> str:
    """`text.lower()` when that keeps every index (it does unless a rare letter expands)."""
    low = text.lower()
    return low if len(low) == len(text) else "".join(c.lower()[0] for c in text)


class Rejections:
    """Which mentions of one text its context rejects ("not X", "Xではなく", "X is wrong")."""

    __slots__ = ("hint", "low", "text")

    def __init__(self, text: str, low: str | None = None) -> None:
        self.text = text
        self.low = lower_same_length(text) if low is None else low
        self.hint = _NEG_HINT_RX.search(self.low) is not None

    def after(self, end: int) -> bool:
        return self.hint and NEG_AFTER.match(self.text, end) is not None

    def before(self, start: int) -> bool:
        if not self.hint:
            return False
        if NEG_BEFORE.start(self.low, max(0, start - 30), start) is not None:
            return True
        # "not tempura (B)": a bracketed letter labels the rejected words before it
        lo = max(0, start - 40)
        if self.low[start - 1 : start] != "(":
            return False
        return _NOT_LABEL.search(self.low, lo, start) is not None

    def __call__(self, start: int, end: int) -> bool:
        return self.after(end) or self.before(start)


def negated(text: str, start: int, end: int) -> bool:
    """The mention text[start:end] is rejected by its context (one-off form of `Rejections`)."""
    return Rejections(text)(start, end)


# ---------------------------------------------------------------- word edges


def _kind(ch: str) -> str:
    if ch.isascii():
        return "alnum" if ch.isalnum() else "other"
    o = ord(ch)
    if o < 0x3041:
        return "other"
    if 0x3041 <= o <= 0x309F:
        return "hira"
    if 0x30A1 <= o <= 0x30FF:
        return "kata"
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or ch in "々〆":
        return "kanji"
    return "other"


_PARTICLES = set("はがをにでともへやかの")
_KANJI_SUFFIX = set("色側方型組系群派")  # 赤色, 北側: the same answer as 赤, 北
_HIRA_NEXT = _PARTICLES | set("だそねよ")  # 大阪です, おにぎりが, りんごにします


def word_edges_ok(text: str, start: int, end: int, word: str, ascii_only: bool = False) -> bool:
    """Does text[start:end] (== word, up to case/space) stand as a word rather than inside one?

    ASCII letters/digits may not touch ASCII letters/digits (5 in 15, H2O in H2O2), nor a digit
    a decimal point or comma with a digit (5 in 5.5); a one-character kanji word may not touch a
    kanji (北 in 北東, but 赤色 is 赤); katakana may not touch katakana (ペン in ペンギン); a
    word ending in hiragana may run on only into a particle or copula (not はい in はいけません).
    `ascii_only`: only the ASCII rules (a factoid gold 東京 is found in 東京都)."""
    first, last = _kind(word[0]), _kind(word[-1])
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    kb = _kind(before) if before else "none"
    ka = _kind(after) if after else "none"
    if first == "alnum" and (
        kb == "alnum"
        or (word[0].isdigit() and before in ".," and start > 1 and text[start - 2].isdigit())
    ):
        return False
    if last == "alnum" and (
        ka == "alnum"
        or (word[-1].isdigit() and after in ".," and text[end + 1 : end + 2].isdigit())
    ):
        return False
    if ascii_only:
        return True
    if len(word) == 1 and first == "kanji" and (
        kb == "kanji" or (ka == "kanji" and after not in _KANJI_SUFFIX)
    ):
        return False
    if (first == "kata" and kb == "kata") or (last == "kata" and ka == "kata"):
        return False
    return not (last == "hira" and ka == "hira" and after not in _HIRA_NEXT)


def compact(s: str) -> str:
    """Matching key of a gold or option text: clean, case-folded, no whitespace."""
    return "".join(clean(s).casefold().split())
