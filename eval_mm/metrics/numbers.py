"""Reading numbers the way a grader does (strict rules; docs/metrics.md "Numbers").

Input is text after `answer_text.clean` (NFKC: full-width digits are ASCII). Read: signs
(- − マイナス), thousands commas (1,200 and 1,200m), decimals, scientific forms (2.5e3,
2.5×10^3), fractions (3/4, 3分の1), multipliers (万 億 兆 千, thousand million billion, 3万5千),
percent and 割 (50% also reads as 0.5; 7割 as 0.7), Japanese numerals before a counter
(三つ, 二十五人) or standing alone, and English number words where asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Number:
    """A number in a text: its value, where it stands, other readings and written decimals."""

    value: float
    start: int
    end: int
    alts: tuple[float, ...] = ()
    decimals: int = 0

    @property
    def readings(self) -> tuple[float, ...]:
        return (self.value, *self.alts)


_ARABIC = re.compile(
    r"(?<![0-9A-Za-z.,^/])(?P<sign>[-−–+±]|マイナス|プラス)?\s?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
)
_EXP = re.compile(r"\s*(?:[eE]([-+−]?\d{1,4})|[×x*·]\s*10\s*\^\s*\(?([-+−]?\d{1,4})\)?)")
_POW = re.compile(r"\s*\^\s*\(?([-+−]?\d{1,3})\)?")
_FRACTION = re.compile(r"\s*[/⁄]\s*(\d+)(?![\d/])")
_BUNNO = re.compile(r"分の\s*(\d+(?:\.\d+)?)")
_BIG = {"万": 1e4, "億": 1e8, "兆": 1e12}
_MULT_WORD = re.compile(r"\s*(thousand|million|billion)\b", re.IGNORECASE)
_WORD_VALUES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
_JP_MULT = re.compile(r"\s*([万億兆千百])")
_TAIL_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PERCENT = re.compile(r"\s*(%|パーセント|percent\b|per cent\b|割)", re.IGNORECASE)

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                 "八": 8, "九": 9}  # fmt: skip
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_RUN = re.compile("[〇零一二三四五六七八九十百千万億兆]+")
# Counters after which a Japanese numeral is a number (三つ, 二十人); 番, 部, 方 are left out
# because 一番, 一部, 一方 are words.
_COUNTER = re.compile(
    r"(?:つ|個|人|名|本|枚|匹|頭|羽|台|回|度|円|年|歳|才|倍|割|パーセント|冊|件|社|か所|箇所|ヶ所|階"
    r"|位|杯|軒|秒|分|時間|日|週|か月|ヶ月|カ月|月|点|種類|問|文字|行|ページ|頁|cm|mm|km|kg|g|m|%)"
)
_KANJI_WORDS = ("一番", "一部", "一般", "一緒", "十分", "一方", "一種", "一致", "一体", "一応",
                "一同", "一時", "万一", "一瞬", "一切", "一層", "一見", "唯一", "同一", "統一",
                "一人称", "一定", "一斉", "一連", "一律", "一旦", "千葉", "九州", "四国", "三角",
                "一気", "一向", "一段", "一面", "一言", "一目", "二酸化", "一酸化")  # fmt: skip

_KANJI_WORD_RX = re.compile("|".join(_KANJI_WORDS))
_ASCII_WORD = re.compile("[A-Za-z]{3}")
# Characters after which an Arabic number may continue (2.5e3, 10^3, 3/4, 3分の1, 3万, 2 million).
_EXTENDERS = frozenset("eE×x*·^/⁄分万億兆千百tmb")
_EN_UNITS = {
    w: i
    for i, w in enumerate(
        (
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
            "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
            "seventeen", "eighteen", "nineteen"
        )
    )
}
_EN_TENS = {w: 10 * (i + 2) for i, w in enumerate(
    ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"])}  # fmt: skip
_EN_WORD = re.compile(
    r"\b(?:(" + "|".join(_EN_TENS) + r")(?:[- ](" + "|".join(_EN_UNITS) + r"))?|("
    + "|".join(_EN_UNITS) + r"))(?:\s+(hundred|thousand|million))?\b",
    re.IGNORECASE,
)


def kanji_value(s: str) -> float | None:
    """二十五 -> 25, 三千五百 -> 3500, 一億二千万 -> 120000000, 二〇二四 -> 2024."""
    if not any(c in _KANJI_UNITS or c in _BIG for c in s):
        if not all(c in _KANJI_DIGITS for c in s):
            return None
        return float("".join(str(_KANJI_DIGITS[c]) for c in s))
    total = section = current = 0.0
    for c in s:
        if c in _KANJI_DIGITS:
            current = current * 10 + _KANJI_DIGITS[c] if current else _KANJI_DIGITS[c]
        elif c in _KANJI_UNITS:
            section += (current or 1) * _KANJI_UNITS[c]
            current = 0
        else:
            if not (section or current):
                return None
            total += (section + current) * _BIG[c]
            section = current = 0
    return total + section + current


def _power(factor: float, base: float, exp: int) -> float:
    """factor × base ** exp, infinite instead of an overflow (10^999 is a number too)."""
    try:
        return factor * base**exp
    except (OverflowError, ZeroDivisionError):
        return float("inf")


def _decimals(num: str) -> int:
    return len(num.split(".", 1)[1]) if "." in num else 0


def _jp_multipliers(text: str, base: float, end: int) -> tuple[float, int]:
    """3千 -> 3000, 2.5万 -> 25000, 3万5千 -> 35000, 1億2000万 -> 120000000."""
    total, last_big = 0.0, float("inf")
    while True:
        j = _JP_MULT.match(text, end)
        if j is not None and j.group(1) in _KANJI_UNITS and base < 1e4:
            base *= _KANJI_UNITS[j.group(1)]
            end = j.end()
            j = _JP_MULT.match(text, end)
        if j is None or j.group(1) not in _BIG or _BIG[j.group(1)] >= last_big:
            return total + base, end
        last_big = _BIG[j.group(1)]
        total, base, end = total + base * last_big, 0.0, j.end()
        t = _TAIL_NUMBER.match(text, end)
        if t is None or text.startswith(("年", "月", "日", "/", "."), t.end()):
            return total, end
        base, end = float(t.group()), t.end()


def _after_arabic(text: str, m: re.Match[str]) -> Number:
    """Extend an Arabic number with exponent, fraction, multipliers and percent."""
    raw = m.group("num")
    value = float(raw.replace(",", ""))
    decimals = _decimals(raw)
    end = m.end()
    # What may follow is decided by the next non-space character (most numbers stop here).
    nxt = text[end : end + 2].lstrip()[:1]
    if nxt and nxt in _EXTENDERS:
        if (e := _EXP.match(text, end)) is not None:
            value = _power(value, 10.0, int((e.group(1) or e.group(2)).replace("−", "-")))
            end = e.end()
        elif (pw := _POW.match(text, end)) is not None:
            value = _power(1.0, value, int(pw.group(1).replace("−", "-")))
            end = pw.end()
        elif (f := _FRACTION.match(text, end)) is not None and "," not in raw and "." not in raw:
            if float(f.group(1)):
                value, decimals, end = value / float(f.group(1)), 6, f.end()
        elif (b := _BUNNO.match(text, end)) is not None and value:
            value, decimals, end = float(b.group(1)) / value, 6, b.end()
        value, end = _jp_multipliers(text, value, end)
        if (w := _MULT_WORD.match(text, end)) is not None:
            value *= _WORD_VALUES[w.group(1).lower()]
            end = w.end()
    sign = m.group("sign") or ""
    if sign in ("-", "−", "–", "マイナス"):
        value = -value
    alts: tuple[float, ...] = ()
    nxt = text[end : end + 2].lstrip()[:1]
    if nxt in ("%", "パ", "p", "P", "割") and (p := _PERCENT.match(text, end)) is not None:
        alts = (value / (10 if p.group(1) == "割" else 100),)
        end = p.end()
    start = m.start("sign") if sign and sign != "±" else m.start("num")
    return Number(value, start, end, alts, decimals)


def find_numbers(text: str, words: bool = False) -> list[Number]:
    """Every number in `text`, in order. `words`: also Japanese numerals that are not before a
    counter and English number words (for a short answer span: 「三十」, "twelve")."""
    out: list[Number] = []
    taken_until = -1
    for m in _ARABIC.finditer(text):
        if m.start() < taken_until:
            continue
        n = _after_arabic(text, m)
        out.append(n)
        taken_until = n.end
    # Numerals without a counter and number words are read only where no digit is: in
    # "約3.5 m（小数第2位を四捨五入）" or "3.5 (three point five)" they are not the answer.
    words = words and not out
    if _KANJI_RUN.search(text):
        out.extend(_kanji_numbers(text, out, words))
    if words and _ASCII_WORD.search(text) and _EN_WORD.search(text):
        out.extend(_english_numbers(text, out))
    out.sort(key=lambda n: n.start)
    return out


def _overlaps(start: int, end: int, found: list[Number]) -> bool:
    return any(n.start < end and start < n.end for n in found)


def _kanji_numbers(text: str, found: list[Number], words: bool) -> list[Number]:
    out = []
    for m in _KANJI_RUN.finditer(text):
        s, e = m.start(), m.end()
        if _overlaps(s, e, found):
            continue
        if _KANJI_WORD_RX.search(text, max(0, s - 1), e + 3):
            continue
        before = text[s - 1] if s else ""
        if "\u4e00" <= before <= "\u9fff" and before not in "約計全各第":
            continue  # inside a word: 統一, 同一
        counter = _COUNTER.match(text, e)
        if counter is None and not words:
            continue
        value = kanji_value(m.group())
        if value is None:
            continue
        alts: tuple[float, ...] = ()
        if counter is not None and counter.group() in ("割", "%", "パーセント"):
            alts = (value / (10 if counter.group() == "割" else 100),)
        out.append(Number(value, s, e, alts))
    return out


def _english_numbers(text: str, found: list[Number]) -> list[Number]:
    out = []
    for m in _EN_WORD.finditer(text):
        if _overlaps(m.start(), m.end(), found):
            continue
        tens, unit, alone, scale = (g.lower() if g else None for g in m.groups())
        value = float(_EN_TENS[tens] + (_EN_UNITS[unit] if unit else 0) if tens
                      else _EN_UNITS[alone or "zero"])  # fmt: skip
        if scale:
            value *= {"hundred": 100, "thousand": 1e3, "million": 1e6}[scale]
        out.append(Number(value, m.start(), m.end()))
    return out


def parse_number(s: str) -> Number | None:
    """The single number a gold answer states (「120人」, 「約1,200万円」, 「3.5%」, 「三つ」),
    or None when it states none or several (dates, ranges)."""
    nums = find_numbers(s, words=True)
    return nums[0] if len(nums) == 1 else None


def same_number(gold: Number, pred: Number) -> bool:
    """Equal values under any reading (50% = 0.5 = 5割); a prediction more precise than the
    gold matches when it rounds to the gold's written decimals (3.14159 for 3.14)."""
    for g in gold.readings:
        for p in pred.readings:
            if abs(g - p) <= 1e-9 * max(1.0, abs(g)):
                return True
    g, d = gold.value, max(gold.decimals, 2 if abs(gold.value) >= 0.1 else 0)
    return bool(d) and any(round(p, d) == round(g, d) for p in pred.readings)
