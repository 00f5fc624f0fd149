"""Strict yes/no reading (JDocQA answer type 0; docs/metrics.md, "Yes/no").

1. A refusal to answer (わかりません, 判断できません, "cannot determine", ...) is `no_answer`.
2. Explicit words: はい / いいえ (also written with a space inside: は い), yes / no, and at
   the start of a sentence ええ, うん / いえ, ううん. A word counts only as a word, never inside
   a longer one (入ってはいけません, ではいない hold no はい). A rejected word flips
   ("「はい」ではありません" is no). Words joined as alternatives ("はいかいいえか") are not an
   answer. The word after an answer indicator (答えは「いいえ」) wins, else the first one.
3. Otherwise the predicate of the answer sentence: a negative ending (〜ません, 〜ない, not) is
   no, another statement is yes (`implicit`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eval_mm.metrics.answer_text import Rejections, Sentences, clean, word_edges_ok
from eval_mm.metrics.open_strict import INDICATOR

YES, NO = "yes", "no"


@dataclass(frozen=True)
class Polarity:
    value: str | None
    reason: str  # explicit | indicator | implicit | ambiguous | no_answer | unparsed


_WORDS = re.compile(
    r"(は ?い|ハイ)|(い ?い ?え|イイエ)|\b(y ?e ?s|yeah|yep|yup|no|nope)\b(?!\.\s?\d)"
    r"|(?:^|(?<=[\n。.!?！？]))\s*(ええ|うん|いえ|ううん|いや)(?=[、,。.!！\s])"
    r"|(?:^|(?<=\s))([○◯⭕×✕❌])(?=$|[\s、,。.!！])",
    re.IGNORECASE,
)
_NO_ANSWER = re.compile(
    r"わから(?:ない|ず|なかった)|わかりません|分から(?:ない|ず)|分かりません|判断(?:でき|しかね|が難し|は難し)"
    r"|不明|読み取れ(?:ない|ません)|特定でき(?:ない|ません)|答えられ(?:ない|ません)|回答でき(?:ない|ません)"
    r"|確認でき(?:ない|ません)|cannot (?:be )?determine|can't (?:tell|determine|say)|not sure"
    r"|unclear|unknown|no idea|don't know|do not know|impossible to (?:tell|say|determine)"
    r"|insufficient information|not enough information",
    re.IGNORECASE,
)
_ALTERNATIVE = re.compile(r"[\s、,/・「」]*(?:か|or|と|and|・|/|、|,)[\s、,/・「」]*$", re.I)
_NEG_END = re.compile(
    r"(?:(?<!少)(?<!危)(?<!幼)(?<!汚)(?<!しか)(?:ません|ない|なかった|ず|無い|無し|なし|不可|禁止)"
    r"|(?:違い|ちがい)ます|違う|間違って(?:い)?(?:ます|る)|誤りです|ないでください)"
    r"(?:でした|です|のです|んです|わけです|ようです|と思います|と思われます|と考えられます|よ|ね)*$"
)
_POS_END = re.compile(
    r"(?:です|ます|ました|でした|ある|いる|できる|した|された|である|だ|あり|可能|済み|予定|正しい"
    r"|その通り|そのとおり)"
    r"(?:よ|ね|と思います|と思われます|と考えられます)*$"
)
_EN_NEG = re.compile(
    r"\b(?:not|never|none|neither|nor|cannot|no|incorrect|wrong|false|untrue)\b|n't\b", re.I
)
_EN_YES = re.compile(r"\b(?:correct|true|right|indeed|certainly|exactly|of course|sure)\b", re.I)
_EN_VERB = re.compile(
    r"\b(?:is|are|was|were|does|do|did|has|have|had|can|will|would|should|must|shows?|states?"
    r"|includes?|contains?|mentions?|lists?|describes?|says?|indicates?)\b",
    re.IGNORECASE,
)
_TAIL = " 。.!！、,)」』】\"'"


_YES_WORDS = frozenset(
    ("はい", "ハイ", "yes", "yeah", "yep", "yup", "ええ", "うん", "○", "◯", "⭕")
)


def _word_value(m: re.Match[str]) -> str:
    w = "".join(m.group().split()).lower()
    return YES if w in _YES_WORDS else NO


# A yes/no word itself rejected: 「はい」ではありません, はいではなく, "not yes" (but in
# "いいえ、違います" 違います agrees with the no).
_WORD_NEG = re.compile(
    r"[\s、,」』)\"'”’]*(?:(?:で|じゃ)(?:は|も)?(?:なく|無く|ない(?!(?:でしょう|だろう|か))|ありません)"
    r"|とは(?:言え|いえ|限ら)(?:ない|ません)|[^。\n、]{0,6}?(?:と言いたい|と思いきや|と思われがち))"
)
_VERB_NEXT = set("るりれらっけなまいうくこさし")  # はいる, はいけない, はいない: not the word はい


def _mentions(text: str) -> list[tuple[int, int, str]]:
    out = []
    rej = Rejections(text)
    for m in _WORDS.finditer(text):
        s, e = m.span(m.lastindex or 0)
        word = "".join(text[s:e].split())
        if not word_edges_ok(text, s, e, word):
            continue
        if word == "はい" and text[e : e + 1] in _VERB_NEXT:
            continue
        value = _word_value(m)
        if _WORD_NEG.match(text, e) or rej.before(s):
            value = NO if value == YES else YES
        out.append((s, e, value))
    return out


def _implicit(sentence: str) -> str | None:
    s = sentence.strip(_TAIL)
    if not s:
        return None
    if s.isascii():
        if _EN_NEG.search(s):
            return NO
        return YES if _EN_VERB.search(s) or _EN_YES.search(s) else None
    if _NEG_END.search(s):
        return NO
    return YES if _POS_END.search(s) else None


def polarity_strict(response: str) -> Polarity:
    text = clean(response)
    if not text:
        return Polarity(None, "unparsed")
    found = _mentions(text)
    refusal = _NO_ANSWER.search(text)
    if refusal is not None:
        # A refusal is the answer unless a yes/no word was given before it, in an earlier
        # sentence or as the opening word ("いいえ、…"); "No information…, I don't know" is none.
        sents = Sentences(text)
        r0 = sents.start_of(refusal.start())
        if not any(s < r0 or (s == sents.start_of(s) and text[e : e + 1] in "、,")
                   for s, e, _ in found):  # fmt: skip
            return Polarity(None, "no_answer")
    groups: list[list[tuple[int, int, str]]] = []
    for men in found:
        if groups and _ALTERNATIVE.match(text[groups[-1][-1][1] : men[0]]):
            groups[-1].append(men)
        else:
            groups.append([men])
    clear = [g for g in groups if len({v for _, _, v in g}) == 1]
    if found and not clear:
        return Polarity(None, "ambiguous")
    for g in reversed(clear):
        head = text[max(0, g[0][0] - 12) : g[0][0]]
        if INDICATOR.search(head) and INDICATOR.search(head).end() == len(head):  # type: ignore[union-attr]
            return Polarity(g[0][2], "indicator")
    if clear:
        return Polarity(clear[0][0][2], "explicit")
    spans = Sentences(text).spans()
    if not spans:
        return Polarity(None, "unparsed")
    indicator = list(INDICATOR.finditer(text))
    if indicator:
        start = indicator[-1].end()
        value = _implicit(text[start : Sentences(text).end_of(start)])
    else:
        value = _implicit(text[spans[0][0] : spans[0][1]])
    return Polarity(value, "implicit") if value else Polarity(None, "unparsed")
