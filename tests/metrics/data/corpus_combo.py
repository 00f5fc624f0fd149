# ruff: noqa: E501  (tables of phrases read best one per line)
"""Combinations for the strict corpus: an answer expression inside a statement, with rejected
or merely mentioned other options before or after it. Labels follow from the construction:
the stated option is the answer; a response that only weighs options without stating one has
none. Placeholders as in corpus_mc: {L}/{T} the answer, {X}/{TX} and {Y}/{TY} other options."""

from __future__ import annotations

import random
from typing import Any

from tests.metrics.data.corpus_mc import FULL, LETTERS, OPTION_SETS

# How the answer itself is written.
EXPRESSIONS = ["{L}", "({L})", "{L}.", "{L}: {T}", "{L}（{T}）", "「{L}」", "**{L}**", "{T}", "{L}の{T}",
               "選択肢{L}", "option {L}", "{LF}", "【{L}】", "{L}) {T}", "「{T}」"]  # fmt: skip
# A statement of the answer {E}.
STATEMENTS = [
    "答えは{E}です。", "{E}が正解です。", "正解：{E}", "The answer is {E}.", "{E} is correct.",
    "I choose {E}.", "最も適切なのは{E}です。", "{E}です。", "よって{E}。", "Therefore, {E}.",
    "回答: {E}", "{E}を選びます。", "結論として、{E}が最も適切です。", "Final answer: {E}",
    "したがって、答えは{E}となります。", "{E}だと思います。", "My answer is {E}.",
]  # fmt: skip
# The answer {E} against another option {F} in one statement.
CONTRASTS = [
    "{F}ではなく{E}です。", "答えは{F}ではなく{E}。", "Not {F} but {E}.", "{E}, not {F}.",
    "The answer is {E} rather than {F}.", "{F}じゃなくて{E}が正解。", "{F}よりも{E}が適切です。",
    "{F}は誤りで、{E}が正しい。", "It's {E}, not {F}.", "{F}は違います。{E}です。",
]  # fmt: skip
# Sentences about another option {X} that do not answer.
ASIDES = [
    "{X}は条件に合いません。", "{X} does not match the image.", "{X}の{TX}は違います。",
    "Option {X} is wrong.", "{X}も一見それらしく見えますが、細部が異なります。", "{X} ({TX}) can be ruled out.",
    "なお、{X}の{TX}は別の特徴を持ちます。", "{X}は不正解です。", "I considered {X}, but it is less likely.",
    "{X}と迷う人もいるでしょう。",
]  # fmt: skip
# Responses that weigh options without stating one (no answer).
UNDECIDED = [
    "{X}か{Y}のどちらかですが、決められません。", "{X} or {Y}; I cannot tell which.",
    "{X}も{Y}も可能性があります。", "画像からは{X}と{Y}の区別がつきません。",
    "Both {X} and {Y} seem possible.",
]  # fmt: skip
SETS = ["cities", "fruit", "vehicles", "tools", "food", "cities_en", "sports5", "langs6",
        "vitamins", "acronyms", "plans", "people", "amps", "ints", "decimals", "stations9"]  # fmt: skip


def _fill(s: str, fill: dict[str, str]) -> str:
    return s.format(**fill)


def cases(rng: random.Random, n: int = 700) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while len(out) < n:
        options = OPTION_SETS[rng.choice(SETS)]
        i, x, y = rng.sample(range(len(options)), 3)
        fill = {"L": LETTERS[i], "LF": FULL[i], "T": options[i], "X": LETTERS[x],
                "TX": options[x], "Y": LETTERS[y], "TY": options[y]}  # fmt: skip
        e = _fill(rng.choice(EXPRESSIONS), fill)
        kind = rng.random()
        if kind < 0.1:
            response, intended, cls = _fill(rng.choice(UNDECIDED), fill), None, "mc_ambiguous"
        elif kind < 0.4:
            other = {"L": LETTERS[x], "LF": FULL[x], "T": options[x]}
            f = _fill(rng.choice(EXPRESSIONS), other)
            body = _fill(rng.choice(CONTRASTS), {"E": e, "F": f})
            response, intended, cls = body, LETTERS[i], "mc_contrast"
        else:
            statement = _fill(rng.choice(STATEMENTS), {"E": e})
            aside = _fill(rng.choice(ASIDES), fill)
            first = rng.random() < 0.5
            response = f"{statement}\n{aside}" if first else f"{aside}\n{statement}"
            intended, cls = LETTERS[i], "mc_explanation"
        if intended is None:
            gold = rng.choice([LETTERS[x], LETTERS[y]])
        else:
            gold = intended if rng.random() < 0.8 else LETTERS[x]
        out.append({"class": cls, "kind": "mc", "options": options, "gold": gold,
                    "response": response, "label": int(gold == intended), "note": "combo"})  # fmt: skip
    return out


# ---------------------------------------------------------------- open numbers and yes/no

NUMBER_FORMS = ["{v}", "{v} cm", "約{v}", "{v}個", "{c}", "{f}", "{f}　個", "{v}です", "**{v}**", "{v} m"]
FRAMES = ["答えは{N}です。", "よって、{N}。", "The answer is {N}.", "Answer: {N}", "最終的に{N}となる。",
          "解答：{N}", "\\boxed{{{N}}}", "{N}", "{N}です。", "したがって答えは{N}。", "x = {N}"]  # fmt: skip
PRELUDES = ["まず{A}と{B}を使って計算します。", "{A} + {B} を計算すると次のようになります。", "途中の値は{A}です。",
            "First compute {A} and {B}.", "条件より、{A}と{B}が分かっています。"]  # fmt: skip
POSTLUDES = ["（途中計算: {A} と {B}）", "なお、{A}は途中の値です。", "Note that {A} was an intermediate value.",
             "({A} と {B} から求めました)"]  # fmt: skip
VALUES = [(12, 3, 4), (36, 9, 4), (2.5, 5, 2), (0.75, 3, 4), (1200, 400, 3), (45, 15, 3), (-6, 2, 3),
          (7.2, 3.6, 2), (48000, 12000, 4), (0.5, 1, 2)]  # fmt: skip
FW_DIGITS = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")

YES_FORMS = ["はい", "はい。", "Yes.", "は い、", "**はい**", "はい、そうです。", "Yes, it is."]
NO_FORMS = ["いいえ", "いいえ。", "No.", "い い え、", "**いいえ**", "いいえ、違います。", "No, it is not."]
YN_FRAMES = ["{W}", "回答：{W}", "答えは「{W}」です。", "{W}\n\n理由: 資料の2ページに記載があります。"]
YN_TAILS = ["", "ただし、許可なく入ってはいけません。", "なお、この情報は2020年時点のものです。",
            "「いいえ」と答えた人も一部います。", "This is stated in the document."]  # fmt: skip


def open_cases(rng: random.Random, n: int = 300) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while len(out) < n:
        v, a, b = rng.choice(VALUES)
        vs, as_, bs = (f"{x:g}" for x in (v, a, b))
        form = rng.choice(NUMBER_FORMS)
        c = f"{v:,}" if isinstance(v, int) else vs
        num = form.format(v=vs, c=c, f=c.translate(FW_DIGITS))
        body = rng.choice(FRAMES).format(N=num)
        fill = {"A": as_, "B": bs}
        parts = [body]
        if rng.random() < 0.5:
            parts.insert(0, rng.choice(PRELUDES).format(**fill))
        elif rng.random() < 0.6:
            parts.append(rng.choice(POSTLUDES).format(**fill))
        response = "\n".join(parts)
        gold, label = (vs, 1) if rng.random() < 0.75 else (as_, 0)
        if gold == vs and label == 0:
            continue
        out.append({"class": "open_final_answer", "kind": "open", "gold": gold,
                    "response": response, "label": label, "note": "combo"})  # fmt: skip
    return out


def yesno_cases(rng: random.Random, n: int = 120) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for _ in range(n):
        yes = rng.random() < 0.5
        word = rng.choice(YES_FORMS if yes else NO_FORMS)
        response = rng.choice(YN_FRAMES).format(W=word)
        tail = rng.choice(YN_TAILS)
        if tail:
            response = f"{response} {tail}"
        gold = rng.choice(["はい", "いいえ"])
        label = int((gold == "はい") == yes)
        out.append({"class": "yesno_explicit", "kind": "jdocqa", "gold": gold, "response": response,
                    "label": label, "answer_type": 0, "note": "combo"})  # fmt: skip
    return out
