# ruff: noqa: E501  (tables of cases read best one case per line)
"""Multiple-choice part of the strict corpus: option sets, response templates, hand cases.

Placeholders: {L} the intended letter ({l} lower case, {LF} full width), {T} its option text;
{X}/{TX}, {Y}/{TY}, {Z}/{TZ} other options. Answer `L`, `AMB` or `NONE` (see author_corpus).
"""

from __future__ import annotations

import random

LETTERS = "ABCDEFGHI"
FULL = "ＡＢＣＤＥＦＧＨＩ"

OPTION_SETS: dict[str, list[str]] = {
    # plain Japanese
    "cities": ["札幌", "仙台", "金沢", "松山"],
    "fruit": ["りんご", "みかん", "ぶどう", "もも"],
    "seasons": ["春", "夏", "秋", "冬"],
    "vehicles": ["自転車", "バス", "路面電車", "フェリー"],
    "purpose": ["湯を冷ますため", "香りを立たせるため", "客をもてなすため", "器を温めるため"],
    "colours5": ["赤", "青", "黄", "緑", "白"],
    "dirs": ["北", "南", "東", "西"],
    "tools": ["のこぎり", "かんな", "のみ", "きり"],
    "food": ["おにぎり", "うどん", "天ぷら", "焼き魚"],
    "weather3": ["晴れ", "曇り", "雨"],
    "yesno2": ["はい", "いいえ"],
    "change3": ["増加する", "減少する", "変化しない"],
    # capitals, units, formulas and names inside option texts
    "vitamins": ["ビタミンA", "ビタミンB", "ビタミンC", "ビタミンD"],
    "blood": ["A型", "B型", "O型", "AB型"],
    "volts": ["5 V", "10 V", "15 V", "20 V"],
    "amps": ["2 A", "4 A", "6 A", "8 A"],
    "logic": ["A ∧ B", "A ∨ B", "¬A ∧ B", "A → B"],
    "people": ["Cさん", "Dさん", "Aさん", "Bさん"],
    "acronyms": ["DNA", "RNA", "ATP", "ADP"],
    "plans": ["Plan A", "Plan B", "Plan C", "Plan D"],
    "formulas": ["H2O", "CO2", "NaCl", "O2"],
    "composers": ["ショパン", "J. S. バッハ", "W. A. モーツァルト", "ベートーヴェン"],
    "types_en": ["Type A", "Type B", "Type C", "Type D"],
    "roman": ["I only", "II only", "I and II", "Neither I nor II"],
    "vitamins_en": ["Vitamin C", "Vitamin D", "Vitamin A", "Vitamin B12"],
    "grades": ["A判定", "B判定", "C判定", "D判定"],
    "circuits": ["直列回路 A", "並列回路 B", "回路 C と D", "回路 A と B"],
    "paper": ["A4", "B5", "A3", "B4"],
    # numbers inside option texts
    "ints": ["12", "24", "36", "48"],
    "decimals": ["0.5", "1.5", "2.5", "3.5"],
    "yen": ["1,000円", "1,500円", "2,000円", "2,500円"],
    "counts": ["1つ", "2つ", "3つ", "4つ"],
    "years": ["1998年", "2004年", "2011年", "2019年"],
    "percent": ["10%", "25%", "50%", "75%"],
    # nested texts
    "nested": ["東京", "東京都", "京都", "京都府"],
    "kata": ["ペン", "ペンギン", "ペンキ", "ペンチ"],
    # English
    "cities_en": ["Lisbon", "Oslo", "Quito", "Hanoi"],
    "animals_en": ["a cat", "a dog", "a heron", "a goat"],
    "trend_en": ["It increases", "It decreases", "It stays the same"],
    "truth": ["True", "False"],
    # more options (2-9)
    "langs6": ["C言語", "Python", "Java", "Ruby", "Go", "Rust"],
    "waves7": ["X線", "紫外線", "赤外線", "可視光線", "γ線", "マイクロ波", "電波"],
    "days8": ["月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日", "祝日"],
    "kanji9": ["一", "二", "三", "四", "五", "六", "七", "八", "九"],
    "colours9": ["red", "orange", "yellow", "green", "blue", "indigo", "violet", "black", "white"],
    "stations9": ["上野", "神田", "品川", "新橋", "田町", "大崎", "目黒", "渋谷", "池袋"],
    "sports5": ["野球", "サッカー", "テニス", "卓球", "柔道"],
    "instruments3": ["ピアノ", "バイオリン", "フルート"],
}

PLAIN = ["cities", "fruit", "seasons", "vehicles", "purpose", "colours5", "dirs", "tools", "food",
         "weather3", "change3", "cities_en", "sports5", "instruments3", "langs6", "stations9",
         "days8"]  # fmt: skip
CAPS = ["vitamins", "blood", "volts", "amps", "logic", "people", "acronyms", "plans", "formulas",
        "composers", "types_en", "roman", "vitamins_en", "grades", "circuits", "paper"]  # fmt: skip
NUMERIC = ["ints", "decimals", "yen", "counts", "years", "percent"]
TEXTY = ["cities", "fruit", "vehicles", "purpose", "tools", "food", "nested", "kata", "cities_en",
         "animals_en", "trend_en", "change3", "sports5", "instruments3", "stations9"]  # fmt: skip
MANY = ["yesno2", "truth", "weather3", "change3", "trend_en", "instruments3", "colours5",
        "sports5", "langs6", "waves7", "days8", "kanji9", "colours9", "stations9"]  # fmt: skip
ALL = PLAIN + CAPS + NUMERIC + ["nested", "kata", "animals_en"]

BARE = [
    ("{L}", "L"), ("{L}.", "L"), ("({L})", "L"), ("（{L}）", "L"), ("{LF}", "L"), ("**{L}**", "L"),
    ("「{L}」", "L"), ("【{L}】", "L"), ("{L})", "L"), ("[{L}]", "L"), ("`{L}`", "L"),
    ("  {L}\n", "L"), ("{l}", "L"), ("{L}。", "L"), ("『{L}』", "L"), ("**({L})**", "L"),
    ("{L}\n\n", "L"), ("\"{L}\"", "L"), ("({l})", "L"), ("{LF}。", "L"), ("＜{L}＞", "L"),
    ("{L}!", "L"), ("*{L}*", "L"), ("__{L}__", "L"), ("{L} ", "L"), ("\n{L}", "L"),
]  # fmt: skip
LETTER_TEXT = [
    ("{L}. {T}", "L"), ("{L}: {T}", "L"), ("{L}) {T}", "L"), ("({L}) {T}", "L"), ("{L}（{T}）", "L"),
    ("{T} ({L})", "L"), ("{T}（{L}）", "L"), ("**{L}. {T}**", "L"), ("{L}の{T}", "L"),
    ("{L} - {T}", "L"), ("{L}：{T}です", "L"), ("選択肢{L}: {T}", "L"), ("Option {L}: {T}", "L"),
    ("{L}. {T}\n", "L"), ("{L}．{T}", "L"), ("**{L}** {T}", "L"), ("{L}、{T}。", "L"),
    ("{LF}．{T}", "L"), ("({L}) {T}です。", "L"), ("{L}番の{T}です。", "L"), ("{L} — {T}", "L"),
    ("{L}.{T}", "L"), ("「{L}. {T}」", "L"), ("{L}（{T}）です。", "L"), ("{T}、つまり{L}です。", "L"),
]  # fmt: skip
MARKER = [
    ("答えは{L}です。", "L"), ("答え：{L}", "L"), ("正解は{L}です", "L"), ("正解：{L}", "L"),
    ("回答：{L}", "L"), ("最も適切なのは{L}です。", "L"), ("正しいのは{L}の{T}です。", "L"),
    ("{L}が正解です。", "L"), ("{L}が最も適切です。", "L"), ("{L}を選びます。", "L"),
    ("The answer is {L}.", "L"), ("Answer: {L}", "L"), ("Final answer: {L}", "L"),
    ("The correct answer is ({L}) {T}.", "L"), ("I would choose {L}.", "L"), ("My answer is {L}.", "L"),
    ("{L} is correct.", "L"), ("{L} is the correct answer.", "L"), ("**Answer:** {L}", "L"),
    ("### 回答\n{L}", "L"), ("答えは **{L}** です。", "L"), ("正解は「{L}」です。", "L"),
    ("答え→{L}", "L"), ("【回答】{L}", "L"), ("回答: {L}) {T}", "L"), ("So the answer is {L}.", "L"),
    ("Therefore, the answer is {L}.", "L"), ("よって、答えは{L}です。", "L"),
    ("以上より、{L}が正解です。", "L"), ("答えは{L}だと思います。", "L"), ("正答は{L}。", "L"),
    ("最終的な答え：{L}", "L"), ("The best option is {L}.", "L"), ("I'd go with {L}.", "L"),
    ("解答：{L}（{T}）", "L"), ("答えとしては{L}が適切です。", "L"), ("{L}にします。", "L"),
    ("選ぶべきは{L}です。", "L"), ("The most likely answer is {L}: {T}.", "L"),
    ("Answer - {L}", "L"), ("正解→ {L}", "L"), ("答えはズバリ{L}！", "L"),
    ("It's {L}.", "L"), ("{L} would be my answer.", "L"), ("I choose ({L}).", "L"),
    ("適切な選択肢は{L}です。", "L"), ("当てはまるものは{L}です。", "L"), ("answer: {l}", "L"),
]  # fmt: skip
EXPLANATION = [
    ("{L}\n\n理由：画像から{T}だと判断できます。{X}の{TX}とは特徴が異なります。", "L"),
    ("{L}です。{X}の{TX}は条件に合わないので違います。", "L"),
    ("{L}. {T}\n\n解説: {X}は{TX}、{Y}は{TY}を指しますが、どちらも当てはまりません。", "L"),
    ("{X}は{TX}、{Y}は{TY}を表します。画像は{T}を示しているので、{L}が正解です。", "L"),
    ("Let's check each option. {X} ({TX}) does not fit, and {Y} ({TY}) does not either. The picture shows {T}, so the answer is {L}.", "L"),
    ("Option {X} refers to {TX}, which does not match. Option {L}, {T}, matches the picture.\nAnswer: {L}", "L"),
    ("画像を見ると{T}であることがわかります。したがって、答えは{L}です。なお、{X}の{TX}も似ていますが、異なります。", "L"),
    ("答え：{L}\n\n※{X}の可能性も考えましたが、画像の特徴から{L}と判断しました。", "L"),
    ("正解は{L}です。\n\n- {X}: {TX}ではない\n- {Y}: {TY}でもない", "L"),
    ("{L}（{T}）が正解です。{X}や{Y}は画像の内容と一致しません。", "L"),
    ("まず{X}の{TX}を検討しましたが、画像には見当たりません。次に{L}の{T}を見ると一致します。よって{L}。", "L"),
    ("The image clearly shows {T}. Options {X} and {Y} describe something else. My answer: {L}.", "L"),
    ("{L}\n\nExplanation: {TX} ({X}) would require a different scene.", "L"),
    ("画像の中央に{T}が写っています。\n\n回答：{L}", "L"),
    ("写真の状況から考えると{T}が最も自然です。{X}の{TX}は可能性が低いでしょう。答えは{L}です。", "L"),
    ("{L}です。理由は、{T}の特徴がはっきり見えるからです。{X}と迷う人もいるかもしれません。", "L"),
    ("選択肢{X}は{TX}、選択肢{L}は{T}です。画像に合うのは選択肢{L}です。", "L"),
    ("I believe the answer is {L} because the scene matches {T}; {X} is a common mistake.", "L"),
    ("この問題では{T}が問われています。\n{X}: 不適切\n{L}: 適切\n{Y}: 不適切\n\n答え: {L}", "L"),
    ("{T}です。画像の特徴から判断しました。\n\n答え：{L}", "L"),
    ("**{L}**\n\n画像には{T}の特徴があります。{X}（{TX}）とは異なる点に注意してください。", "L"),
    ("画像には{T}が見えるので、{L}だと思います。", "L"),
    ("Answer: {L}\n\nReasoning: the other choices, such as {X}, do not fit the image.", "L"),
    ("{X}の{TX}、{Y}の{TY}、{L}の{T}のうち、画像に合うのは{L}の{T}です。", "L"),
    ("考えられるのは{X}か{L}ですが、画像の細部から{L}が正しいです。", "L"),
    ("正解は{L}です。{X}を選んだ場合、{TX}になってしまうため不正解です。", "L"),
    ("{L} is the best answer here. {X} might seem plausible, but it does not match.", "L"),
    ("画像の内容を確認しました。{T}と一致します。よって正解は{L}です。ほかの選択肢（{X}、{Y}）は当てはまりません。", "L"),
]  # fmt: skip
CONTRAST = [
    ("答えは{X}ではなく{L}です。", "L"), ("{X}ではなく{L}です。", "L"), ("{X}ではなく{L}。", "L"),
    ("({X})ではなく({L})が正解です。", "L"), ("正解は{X}じゃなくて{L}です", "L"),
    ("{X}よりも{L}の方が適切です。", "L"), ("{X}は誤りで、{L}が正しいです。", "L"),
    ("{L}です。{X}ではありません。", "L"), ("{X}ではありません。{L}です。", "L"),
    ("The answer is not {X} but {L}.", "L"), ("Not {X}, but {L}.", "L"), ("It's {L}, not {X}.", "L"),
    ("{L}, not {X}.", "L"), ("The answer is {L} rather than {X}.", "L"),
    ("Rather than {X}, the answer is {L}.", "L"), ("{X} is incorrect; the correct answer is {L}.", "L"),
    ("{X} is wrong. {L} is right.", "L"), ("({X}) is not correct; ({L}) is.", "L"),
    ("I initially thought {X}, but the answer is {L}.", "L"),
    ("最初は{X}だと思いましたが、正解は{L}です。", "L"), ("{X}かと思いましたが、{L}です。", "L"),
    ("{X}の{TX}ではなく、{L}の{T}です。", "L"), ("答えは「{X}」ではなく「{L}」。", "L"),
    ("{X}: ×、{L}: ○", "L"), ("{L}（{X}ではない）", "L"), ("{X}でも{Y}でもなく、{L}です。", "L"),
    ("Neither {X} nor {Y}; the answer is {L}.", "L"), ("{X} isn't right, {L} is.", "L"),
    ("正解は{L}です。{X}と答えるのは誤りです。", "L"), ("{X}は不正解。正解は{L}。", "L"),
    ("{L}ではないでしょうか。", "L"), ("{L}に違いありません。", "L"), ("{L}で間違いありません。", "L"),
    ("答えは{L}で間違いないと思います。", "L"), ("{X}は違います。{L}が正しい。", "L"),
    ("The answer isn't {X}. It's {L}.", "L"), ("Definitely not {X}. I'd say {L}.", "L"),
    ("{X}と{Y}は当てはまらないので、{L}です。", "L"), ("{X}を除外すると、残るのは{L}です。", "L"),
    ("**{X}ではなく{L}**が正解です。", "L"), ("{X}ではなく、**{L}**です。", "L"),
    ("答え：{L}（{X}は誤り）", "L"), ("Instead of {X}, choose {L}.", "L"),
    ("{X}ではない。{Y}でもない。{L}だ。", "L"), ("{TX}ではなく{T}なので、{L}。", "L"),
    ("It is {L}. {X} is a distractor.", "L"), ("正しくは{L}です（{X}ではありません）。", "L"),
]  # fmt: skip
CAPS_TEMPLATES = [
    ("{L}. {T}", "L"), ("答えは{T}です。", "L"), ("{T}", "L"), ("正解は{L}（{T}）です。", "L"),
    ("{T}が正解です。", "L"), ("The answer is {T}.", "L"), ("{L}: {T}", "L"),
    ("{TX}ではなく{T}が正しいので、答えは{L}です。", "L"), ("答えは{L}です。{TX}は誤りです。", "L"),
    ("{T}（選択肢{L}）", "L"), ("I think it is {T}, so {L}.", "L"), ("選択肢{L}の「{T}」が正しい。", "L"),
    ("**{L}) {T}**", "L"), ("{T}です。{TX}ではありません。", "L"),
    ("Answer: ({L}) {T}", "L"), ("{L}\n\n{T}が条件を満たします。{TX}や{TY}は満たしません。", "L"),
    ("正解：{T}", "L"), ("{T} is correct, {TX} is not.", "L"), ("{T}を選びます。", "L"),
    ("{TX}と迷いましたが、{T}です。", "L"), ("条件に合うのは{T}、つまり{L}です。", "L"),
    ("{L}の{T}が当てはまります。", "L"), ("答え: {T}", "L"), ("{T}だと思います。", "L"),
]  # fmt: skip
OPTION_TEXT = [
    ("{T}", "L"), ("{T}です。", "L"), ("答えは{T}です。", "L"), ("正解は「{T}」", "L"),
    ("{TX}ではなく{T}です。", "L"), ("It is {T}.", "L"), ("The answer is {T}.", "L"),
    ("画像から判断すると{T}です。", "L"), ("{T}だと思います。", "L"), ("{T}が正しいです。", "L"),
    ("**{T}**", "L"), ("答え：{T}", "L"), ("「{T}」が最も適切です。", "L"),
    ("{TX}か{T}で迷いましたが、{T}にします。", "L"), ("正解は{T}。{TX}は違う。", "L"),
    ("{T}。", "L"), ("Probably {T}.", "L"), ("{TX} does not fit; the answer is {T}.", "L"),
    ("{T}でしょう。", "L"), ("最も適切なのは{T}です。", "L"),
    ("{TX}と{T}", "AMB"), ("{TX}か{T}のどちらかです。", "AMB"), ("{T} or {TX}", "AMB"),
]  # fmt: skip
MANY_TEMPLATES = [
    ("{L}", "L"), ("答えは{L}です。", "L"), ("The answer is {L}.", "L"), ("{L}. {T}", "L"),
    ("I think the answer is {L}.", "L"), ("{T}", "L"), ("({L}) {T}", "L"), ("正解：{L}", "L"),
    ("{X}ではなく{L}です。", "L"), ("I'd say {L}.", "L"), ("{L}が正解です。", "L"), ("**{L}**", "L"),
    ("I think it's {L}.", "L"), ("I would pick {L} ({T}).", "L"), ("{T}です。", "L"),
    ("答え: {L}\n理由: {TX}ではないため。", "L"), ("{L}: {T}", "L"), ("It is {L}.", "L"),
]  # fmt: skip
RESTATED = [
    ("{OPTS}\n\n正解: {L}", "L"), ("{OPTS}\n\n答えは{L}です。", "L"), ("{OPTS}\n\nAnswer: {L}", "L"),
    ("選択肢は{INLINE}です。この中で正しいのは{L}です。", "L"), ("{OPTS}\n\n{L}. {T}", "L"),
    ("Options: {INLINE_EN}. Answer: ({L})", "L"), ("{VERDICTS}", "L"), ("{OPTS}", "NONE"),
    ("{OPTS}\n\n以上の中から、{T}を選びます。", "L"), ("{OPTS}\n\n→ {L}", "L"),
    ("{OPTS}\n\n答え：{L}（{T}）", "L"), ("{OPTS_PAREN}\n\nThe correct one is ({L}).", "L"),
    ("{OPTS}\n\nどれも当てはまりそうですが、強いて言えば{L}です。", "L"),
]  # fmt: skip
AMBIGUOUS = [
    ("{X}か{L}です", "AMB"), ("{X} or {L}", "AMB"), ("{X}と{L}", "AMB"), ("{X}, {L}", "AMB"),
    ("{ALL}", "NONE"), ("{ALL_COMMA}", "AMB"), ("{X}または{L}が考えられます。", "AMB"),
    ("{L}と{X}のどちらかです。", "AMB"), ("Either {X} or {L}.", "AMB"), ("{X}/{L}", "AMB"),
    ("わかりません。", "NONE"), ("どれも当てはまりません。", "NONE"), ("答えは{X}か{L}のどちらかです。", "AMB"),
    ("Probably {X} or {L}.", "AMB"), ("Both {X} and {L} are correct.", "AMB"),
    ("{X}かもしれないし{L}かもしれません。", "AMB"), ("判断できません。", "NONE"), ("", "NONE"),
    ("画像からは判断が難しいです。", "NONE"), ("{X}、{Y}、{L}のいずれも正しい可能性があります。", "AMB"),
    ("答え：{X}、{L}", "AMB"), ("The answer could be {X} or {L}.", "AMB"), ("正解は{L}と{X}です。", "AMB"),
    ("I cannot tell from the image.", "NONE"), ("{X}と{L}が正解です。", "AMB"),
    ("{X}か{L}のどちらかだと思いますが、確信はありません。", "AMB"), ("{TX}と{T}", "AMB"),
]  # fmt: skip
MARKUP = [
    ("\\boxed{{{L}}}", "L"), ("$\\boxed{{{L}}}$", "L"), ("Final answer: $\\boxed{{\\text{{{L}}}}}$", "L"),
    ("答えは $\\boxed{{{L}}}$ です。", "L"), ("## 回答\n\n**{L}**", "L"), ("> {L}", "L"),
    ("**答え：{L}**\n\n理由: {TX}は条件に合いません。", "L"), ("```\n{L}\n```", "L"),
    ("- 回答: {L}\n- 理由: {T}だから", "L"), ("**正解は{LF}です。**", "L"), ("答えは（{LF}）", "L"),
    ("回答：　{LF}", "L"), ("＊＊{L}＊＊", "L"), ("\\textbf{{{L}}}", "L"), ("**{L}**（{T}）", "L"),
    ("# {L}", "L"), ("__答え__: {L}", "L"), ("*Answer*: {L}", "L"), ("Ａｎｓｗｅｒ：{LF}", "L"),
    ("The answer is $\\boxed{{{L}}}$ because {TX} does not match.", "L"),
    ("\\boxed{{{X}}} ではなく \\boxed{{{L}}}", "L"), ("解答：【{LF}】{T}", "L"),
]  # fmt: skip

CLASSES: dict[str, tuple[list[str], list[tuple[str, str]], int]] = {
    "mc_bare": (ALL, BARE, 4),
    "mc_letter_text": (PLAIN + NUMERIC, LETTER_TEXT, 4),
    "mc_marker": (PLAIN, MARKER, 2),
    "mc_explanation": ([*PLAIN, "nested"], EXPLANATION, 4),
    "mc_contrast": (PLAIN + CAPS, CONTRAST, 2),
    "mc_caps_in_options": (CAPS, CAPS_TEMPLATES, 5),
    "mc_option_text": (TEXTY, OPTION_TEXT, 5),
    "mc_many_options": (MANY, MANY_TEMPLATES, 6),
    "mc_restated": (PLAIN + CAPS, RESTATED, 7),
    "mc_ambiguous": (PLAIN + CAPS, AMBIGUOUS, 3),
    "mc_markup": (PLAIN + CAPS, MARKUP, 4),
}


def _listing(options: list[str], fmt: str, sep: str) -> str:
    return sep.join(fmt.format(k=LETTERS[i], t=t) for i, t in enumerate(options))


def render(
    template: str, answer: str, options: list[str], rng: random.Random
) -> tuple[str, str | None, list[str]] | None:
    """(response, intended letter or None, letters it mentions), or None if it does not fit."""
    n = len(options)
    slots = ["X", "Y", "Z"]
    used = [s for s in slots if f"{{{s}}}" in template or f"{{T{s}}}" in template]
    if n < 1 + len(used):
        return None
    picks = rng.sample(range(n), 1 + len(used))
    fill = {"L": LETTERS[picks[0]], "l": LETTERS[picks[0]].lower(), "LF": FULL[picks[0]],
            "T": options[picks[0]]}  # fmt: skip
    for s, i in zip(used, picks[1:], strict=True):
        fill[s], fill[f"T{s}"] = LETTERS[i], options[i]
    fill["OPTS"] = _listing(options, "{k}. {t}", "\n")
    fill["OPTS_PAREN"] = _listing(options, "({k}) {t}", "\n")
    fill["INLINE"] = _listing(options, "{k}. {t}", "、")
    fill["INLINE_EN"] = _listing(options, "({k}) {t}", " ")
    fill["ALL"] = LETTERS[:n]
    fill["ALL_COMMA"] = ", ".join(LETTERS[:n - 1]) + f", or {LETTERS[n - 1]}"
    verdicts = [f"{LETTERS[i]}) {t} - {'正解' if i == picks[0] else '不正解'}"
                for i, t in enumerate(options)]  # fmt: skip
    fill["VERDICTS"] = "\n".join(verdicts)
    response = template.format(**fill)
    mentioned = [fill["L"], *(fill[s] for s in used)]
    if answer == "L":
        return response, fill["L"], mentioned
    if "{ALL" in template or answer == "NONE":
        mentioned = list(LETTERS[:n])
    return response, None, mentioned


def _o(name: str) -> list[str]:
    return OPTION_SETS[name]


# Hand-written cases: (class, options, gold, response, label, note).
HAND: list[tuple[str, list[str], str, str, int, str]] = [
    ("mc_caps_in_options", _o("blood"), "D", "AB型です。", 1, "AB型 contains A and B"),
    ("mc_caps_in_options", _o("blood"), "A", "A型", 1, ""),
    ("mc_caps_in_options", _o("blood"), "C", "O型だと思います。", 1, ""),
    ("mc_caps_in_options", _o("blood"), "D", "D. AB型", 1, ""),
    ("mc_caps_in_options", _o("blood"), "B", "答えはB型です。", 1, ""),
    ("mc_caps_in_options", _o("people"), "C", "Aさんです。", 1, "option C is Aさん"),
    ("mc_caps_in_options", _o("people"), "C", "C（Aさん）", 1, ""),
    ("mc_caps_in_options", _o("people"), "A", "答えはCさんです。", 1, "option A is Cさん"),
    ("mc_caps_in_options", _o("people"), "D", "写真の人物はBさんなので、答えはDです。", 1, ""),
    ("mc_caps_in_options", _o("amps"), "B", "電流は 4 A なので B", 1, "unit A"),
    ("mc_caps_in_options", _o("amps"), "C", "I = 6 A となるので、答えは C です。", 1, ""),
    ("mc_caps_in_options", _o("amps"), "A", "回路を流れる電流は2 Aです。", 1, ""),
    ("mc_caps_in_options", _o("amps"), "A", "電流は 3 A です。", 0, "not an option"),
    ("mc_caps_in_options", _o("volts"), "D", "電圧は20 Vになります。よってD。", 1, ""),
    ("mc_caps_in_options", _o("volts"), "B", "答えは10Vです。", 1, "no space"),
    ("mc_caps_in_options", _o("logic"), "B", "A ∨ B が正しい。", 1, ""),
    ("mc_caps_in_options", _o("logic"), "D", "D: A → B", 1, ""),
    ("mc_caps_in_options", _o("logic"), "C", "答えは ¬A ∧ B です。", 1, ""),
    ("mc_caps_in_options", _o("logic"), "A", "A ∧ B", 1, ""),
    ("mc_caps_in_options", _o("logic"), "D", "命題はA → Bの形なので、D。", 1, ""),
    ("mc_caps_in_options", _o("acronyms"), "C", "ATP", 1, ""),
    ("mc_caps_in_options", _o("acronyms"), "D", "答えはADPです。ATPではありません。", 1, ""),
    ("mc_caps_in_options", _o("acronyms"), "A", "The molecule shown is DNA.", 1, ""),
    ("mc_caps_in_options", _o("formulas"), "B", "CO2", 1, "CO2 contains O2"),
    ("mc_caps_in_options", _o("formulas"), "D", "O2です。", 1, ""),
    ("mc_caps_in_options", _o("formulas"), "C", "答えはNaClです。", 1, ""),
    ("mc_caps_in_options", _o("formulas"), "A", "H₂O", 1, "subscript"),
    ("mc_caps_in_options", _o("composers"), "B", "答えはJ.S.バッハです。", 1, "spacing differs"),
    ("mc_caps_in_options", _o("composers"), "C", "W. A. モーツァルトの作品です。", 1, ""),
    ("mc_caps_in_options", _o("composers"), "B", "B: J. S. バッハ", 1, ""),
    ("mc_caps_in_options", _o("roman"), "C", "C. I and II", 1, ""),
    ("mc_caps_in_options", _o("roman"), "C", "I and II", 1, ""),
    ("mc_caps_in_options", _o("roman"), "B", "II only", 1, "II only contains I only"),
    ("mc_caps_in_options", _o("roman"), "A", "The answer is A: I only.", 1, ""),
    ("mc_caps_in_options", _o("roman"), "D", "Neither I nor II is true, so D.", 1, ""),
    ("mc_caps_in_options", _o("vitamins_en"), "C", "Vitamin A", 1, "option C is Vitamin A"),
    ("mc_caps_in_options", _o("vitamins_en"), "C", "C. Vitamin A", 1, ""),
    ("mc_caps_in_options", _o("vitamins_en"), "A", "Answer: A (Vitamin C)", 1, ""),
    ("mc_caps_in_options", _o("vitamins_en"), "B", "The answer is Vitamin D.", 1, ""),
    ("mc_caps_in_options", _o("vitamins"), "C", "ビタミンCが不足すると壊血病になります。答えはCです。", 1, ""),
    ("mc_caps_in_options", _o("vitamins"), "D", "ビタミンDです。", 1, ""),
    ("mc_caps_in_options", _o("paper"), "C", "A3", 1, ""),
    ("mc_caps_in_options", _o("paper"), "B", "用紙サイズはB5です。", 1, ""),
    ("mc_caps_in_options", _o("paper"), "D", "D. B4", 1, ""),
    ("mc_caps_in_options", _o("grades"), "B", "B判定です。", 1, ""),
    ("mc_caps_in_options", _o("plans"), "C", "Plan C is the cheapest, so the answer is C.", 1, ""),
    ("mc_caps_in_options", _o("plans"), "A", "Plan A", 1, ""),
    ("mc_caps_in_options", _o("types_en"), "D", "It is Type D.", 1, ""),
    ("mc_caps_in_options", _o("circuits"), "D", "回路 A と B", 1, "letters in the text"),
    ("mc_caps_in_options", _o("circuits"), "C", "答えは回路 C と D です。", 1, ""),
    ("mc_option_text", _o("nested"), "B", "東京都です。", 1, "東京都 over 東京 and 京都"),
    ("mc_option_text", _o("nested"), "D", "京都府", 1, ""),
    ("mc_option_text", _o("nested"), "C", "京都です。", 1, ""),
    ("mc_option_text", _o("nested"), "A", "東京", 1, ""),
    ("mc_option_text", _o("nested"), "A", "東京と京都", 0, "two options"),
    ("mc_option_text", _o("kata"), "B", "ペンギンです。", 1, ""),
    ("mc_option_text", _o("kata"), "D", "ペンチ", 1, ""),
    ("mc_option_text", _o("kata"), "A", "ペンで書かれています。", 1, ""),
    ("mc_option_text", _o("animals_en"), "B", "A dog.", 1, "article A"),
    ("mc_option_text", _o("animals_en"), "C", "It looks like a heron standing in water.", 1, ""),
    ("mc_option_text", _o("animals_en"), "D", "A goat is shown.", 1, ""),
    ("mc_option_text", _o("dirs"), "A", "北です。", 1, ""),
    ("mc_option_text", _o("dirs"), "A", "北東です。", 0, "north-east is not north"),
    ("mc_option_text", _o("seasons"), "C", "秋", 1, ""),
    ("mc_option_text", _o("purpose"), "A", "湯を冷ますためです。", 1, ""),
    ("mc_option_text", _o("yesno2"), "A", "はい", 1, ""),
    ("mc_option_text", _o("yesno2"), "B", "いいえ", 1, ""),
    ("mc_option_text", _o("yesno2"), "B", "いいえ、入ってはいけません。", 1, "はい inside はいけません"),
    ("mc_option_text", _o("ints"), "B", "24", 1, ""),
    ("mc_option_text", _o("ints"), "B", "答えは24個です。", 1, ""),
    ("mc_option_text", _o("ints"), "C", "12×3=36なので36です。", 1, "intermediate 12"),
    ("mc_option_text", _o("ints"), "B", "24.0", 1, "numeric option"),
    ("mc_option_text", _o("ints"), "A", "124", 0, "12 inside 124"),
    ("mc_option_text", _o("decimals"), "C", "2.5", 1, ""),
    ("mc_option_text", _o("decimals"), "C", "答えは2.50です。", 1, ""),
    ("mc_option_text", _o("decimals"), "A", "1.5ではなく0.5です。", 1, ""),
    ("mc_option_text", _o("yen"), "B", "1500円です。", 1, "no comma"),
    ("mc_option_text", _o("yen"), "D", "2,500円", 1, ""),
    ("mc_option_text", _o("counts"), "C", "3つです。", 1, ""),
    ("mc_option_text", _o("counts"), "C", "三つです。", 1, "kanji numeral"),
    ("mc_option_text", _o("years"), "D", "2019年です。", 1, ""),
    ("mc_option_text", _o("percent"), "B", "25%", 1, ""),
    ("mc_option_text", _o("percent"), "C", "50パーセントです。", 1, ""),
    ("mc_many_options", _o("colours9"), "I", "I", 1, "letter I"),
    ("mc_many_options", _o("colours9"), "I", "I think the answer is I.", 1, ""),
    ("mc_many_options", _o("colours9"), "I", "The answer is I (white).", 1, ""),
    ("mc_many_options", _o("colours9"), "G", "I think it's G.", 1, "pronoun I"),
    ("mc_many_options", _o("colours9"), "H", "I'd go with H.", 1, ""),
    ("mc_many_options", _o("colours9"), "A", "A. red", 1, ""),
    ("mc_many_options", _o("colours9"), "E", "I believe E is correct.", 1, ""),
    ("mc_many_options", _o("colours9"), "I", "white", 1, ""),
    ("mc_many_options", _o("kanji9"), "I", "答えはIです。", 1, ""),
    ("mc_many_options", _o("kanji9"), "C", "三", 1, ""),
    ("mc_many_options", _o("stations9"), "H", "渋谷です。", 1, ""),
    ("mc_many_options", _o("stations9"), "I", "I. 池袋", 1, ""),
    ("mc_many_options", _o("days8"), "H", "H", 1, ""),
    ("mc_many_options", _o("days8"), "F", "土曜日です。", 1, ""),
    ("mc_many_options", _o("truth"), "A", "True", 1, ""),
    ("mc_many_options", _o("truth"), "B", "False.", 1, ""),
    ("mc_many_options", _o("truth"), "A", "The statement is true, so A.", 1, ""),
    ("mc_many_options", _o("cities"), "A", "答えはEです。", 0, "E is not an option"),
    ("mc_many_options", _o("weather3"), "C", "C", 1, ""),
    ("mc_many_options", _o("weather3"), "C", "雨です。", 1, ""),
    ("mc_ambiguous", _o("cities"), "A", "ABCD", 0, ""),
    ("mc_ambiguous", _o("cities"), "D", "A, B, C, or D", 0, ""),
    ("mc_ambiguous", _o("cities"), "B", "A〜Dのどれかです。", 0, ""),
    ("mc_ambiguous", _o("cities"), "B", "A. 札幌\nB. 仙台\nC. 金沢\nD. 松山", 0, "restates only"),
    ("mc_contrast", _o("cities"), "B", "AではなくBが正解です", 1, "spec vector"),
    ("mc_contrast", _o("cities"), "B", "答えはAではなくBです", 1, "spec limitation, fixed"),
    ("mc_contrast", _o("cities"), "C", "選択肢 B と C で迷いましたが、答えは C です。", 1, "spec"),
    ("mc_contrast", _o("cities"), "B", "札幌ではなく仙台です。", 1, ""),
    ("mc_contrast", _o("cities"), "A", "札幌ではなく仙台です。", 0, ""),
    ("mc_contrast", _o("cities_en"), "B", "Not Lisbon but Oslo.", 1, ""),
    ("mc_contrast", _o("cities_en"), "C", "It's Quito, not Hanoi.", 1, ""),
    ("mc_explanation", _o("cities"), "B", "最も適切なのはBの仙台です。", 1, "spec"),
    ("mc_explanation", _o("cities"), "B", "B:仙台", 1, "spec"),
    ("mc_explanation", _o("cities"), "B", "Bです", 1, "spec"),
]
