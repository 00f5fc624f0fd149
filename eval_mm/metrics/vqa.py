"""VQA accuracy (`vqa_acc`, spec tasks-2026.md §6.2) with the official answer normalisation.

`vqa_norm` is the EvalAI / MMF answer processor used by lmms-eval and the TextVQA evaluator,
quirks kept (the period rule's count argument, the contraction table's dead keys). Both the
prediction and every gold are normalised. Golds: `sample.references`, all of them (TextVQA
and OK-VQA carry ten annotator answers, duplicates included).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score, Scorer
from eval_mm.registries import register_metric

_PUNCT = (";", "/", "[", "]", '"', "{", "}", "(", ")", "=", "+", "\\", "_", "-", ">", "<", "@",
          "`", ",", "?", "!")  # fmt: skip
_COMMA_STRIP = re.compile(r"(?<=\d)(,)+(?=\d)")
# "(?!<=\d)" is a typo for a lookbehind in the original: it never restricts anything. The
# original also passes re.UNICODE (32) as the *count*: at most 32 periods are deleted.
_PERIOD_STRIP = re.compile(r"(?!<=\d)(\.)(?!\d)")
_PERIOD_COUNT = int(re.UNICODE)
_NUMBER_WORDS = ("none", "zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                 "nine", "ten")  # fmt: skip
_NUMBERS = dict(zip(_NUMBER_WORDS, ["0", "0", *map(str, range(1, 11))], strict=True))
_ARTICLES = frozenset({"a", "an", "the"})


def _contractions() -> dict[str, str]:
    # (keys, value): the MMF table, including keys with capitals that can never match after
    # lower-casing and the reversed "somebody'd" entry.
    table = """aint ain't|arent aren't|cant can't|couldve could've|couldnt couldn't|
    couldn'tve,couldnt've couldn't've|didnt didn't|doesnt doesn't|dont don't|hadnt hadn't|
    hadnt've,hadn'tve hadn't've|hasnt hasn't|havent haven't|hed he'd|hed've,he'dve he'd've|
    hes he's|howd how'd|howll how'll|hows how's|Id've,I'dve I'd've|Im I'm|Ive I've|
    isnt isn't|itd it'd|itd've,it'dve it'd've|itll it'll|let's let's|maam ma'am|
    mightnt mightn't|mightnt've,mightn'tve mightn't've|mightve might've|mustnt mustn't|
    mustve must've|neednt needn't|notve not've|oclock o'clock|oughtnt oughtn't|
    ow's'at,'ows'at,'ow'sat 'ow's'at|shant shan't|shed've,she'dve she'd've|she's she's|
    shouldve should've|shouldnt shouldn't|shouldnt've,shouldn'tve shouldn't've|
    somebody'd somebodyd|somebodyd've,somebody'dve somebody'd've|somebodyll somebody'll|
    somebodys somebody's|someoned someone'd|someoned've,someone'dve someone'd've|
    someonell someone'll|someones someone's|somethingd something'd|
    somethingd've,something'dve something'd've|somethingll something'll|thats that's|
    thered there'd|thered've,there'dve there'd've|therere there're|theres there's|
    theyd they'd|theyd've,they'dve they'd've|theyll they'll|theyre they're|theyve they've|
    twas 'twas|wasnt wasn't|wed've,we'dve we'd've|weve we've|werent weren't|whatll what'll|
    whatre what're|whats what's|whatve what've|whens when's|whered where'd|wheres where's|
    whereve where've|whod who'd|whod've,who'dve who'd've|wholl who'll|whos who's|
    whove who've|whyll why'll|whyre why're|whys why's|wont won't|wouldve would've|
    wouldnt wouldn't|wouldnt've,wouldn'tve wouldn't've|yall y'all|yall'll,y'allll y'all'll|
    yall'd've,y'alld've,y'all'dve y'all'd've|youd you'd|youd've,you'dve you'd've|
    youll you'll|youre you're|youve you've"""
    out: dict[str, str] = {}
    for entry in table.split("|"):
        keys, value = entry.split()
        for key in keys.split(","):
            out[key] = value
    return out


CONTRACTIONS = _contractions()


def _punctuation(text: str) -> str:
    out = text
    comma = _COMMA_STRIP.search(text) is not None
    for p in _PUNCT:
        # The test reads the text as it entered this step, the edit applies to the running one.
        if p + " " in text or " " + p in text or comma:
            out = out.replace(p, "")
        else:
            out = out.replace(p, " ")
    return _PERIOD_STRIP.sub("", out, count=_PERIOD_COUNT)


def vqa_norm(answer: str) -> str:
    """The EvalAI/MMF answer processor (steps 1-4 of the spec)."""
    text = answer.lower().replace(",", "").replace("?", "").replace("'s", " 's").strip()
    text = text.replace("\n", " ").replace("\t", " ").strip()
    text = _punctuation(text)
    words = [_NUMBERS.get(w, w) for w in text.lower().split()]
    words = [CONTRACTIONS.get(w, w) for w in words if w not in _ARTICLES]
    return " ".join(words)


def vqa_accuracy(golds: Sequence[str], prediction: str) -> float:
    """Mean over the leave-one-out subsets of min(1, matches among the others / 3)."""
    if not golds:
        return 0.0
    p = vqa_norm(prediction)
    norm = [vqa_norm(g) for g in golds]
    total = 0.0
    for i in range(len(norm)):
        matches = sum(1 for j, g in enumerate(norm) if j != i and g == p)
        total += min(1.0, matches / 3)
    return total / len(norm)


@register_metric
class VqaAcc(Scorer):
    """VQA accuracy over all annotator answers (`references`), both sides `vqa_norm`-ed."""

    id = "vqa_acc"
    version = "1"
    kind: ClassVar[str] = "accuracy"
    description = "VQA accuracy (EvalAI normalisation, leave-one-out over the annotators)"

    def score_golds(self, sample: Sample, golds: list[str], output: str) -> Score:
        return Score(vqa_accuracy(golds, output), details={"normalised": vqa_norm(output)})
