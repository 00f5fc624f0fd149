"""Metric throughput on generated Japanese pairs, pinned to one core.

Prints pairs per second for: Japanese ROUGE-L (our `rougel` scorer) next to a bare loop of
fugashi + rouge-score measured in the same run (goal: within 1.5x of the bare loop), ANLS,
CC-OCR character F1, NLS, multiple-choice extractions per second (strict and legacy; goal:
strict >= 50,000 responses/s, issue 18) and the strict open-answer and yes/no readers.
Pairs are synthetic (random Japanese words, seeded), never benchmark content.

    .venv/bin/python benchmarks/metrics.py [--pairs 5000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable

WORDS = [
    "東京", "大阪", "会議", "猫", "図書館", "新幹線", "ラーメン", "午後三時", "天気予報", "選択肢",
    "公園", "子供", "遊んで", "いた", "この", "画像", "の", "車", "は", "白い", "色", "を",
    "しています", "写真", "には", "二人", "が", "写って", "います", "。", "、", "ＡＢＣ", "１２３",
    "ｶﾀｶﾅ", "富士山", "桜", "が", "咲いて", "青い", "空", "と", "海", "です", "ます", "😀",
]  # fmt: skip
OPTIONS = ["東京", "大阪", "京都", "奈良"]
RESPONSES = [
    "B", "Ｂ", "答えはBです", "Bです", "**B**", "「B」", "答え：C", "答えは大阪です。", "(B) 大阪",
    "ABCD", "A, B, C, or D", "Answer: D", "②", "AではなくBが正解です",
    "最も適切なのはBの大阪です。", "東京と大阪", "I think the answer is (A).", "わかりません", "",
]  # fmt: skip
OPEN = [
    ("3.5", "答えは3.5です。"), ("1200", "1,200円"), ("12", "3×4=12なので、答えは12です"),
    ("-2.5", "x = −2.5"), ("東京", "答えは東京ではなく大阪です。"), ("42", "42"),
    ("0.25", "よって、0.25"), ("x", "答えはxです"), ("30", "三十"),
    ("15", "It is not 12; it is 15."),
]  # fmt: skip
YESNO = ["はい", "いいえ、記載されていません。", "は い", "Yes, it is.", "入ってはいけません。",
         "わかりません。", "いいえではなく、はいです。", "No.", "実施されています。"]  # fmt: skip


def sentence(rng: random.Random, lo: int, hi: int) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))


def perturb(rng: random.Random, s: str) -> str:
    chars = list(s)
    for _ in range(rng.randint(0, max(1, len(chars) // 4))):
        op = rng.random()
        i = rng.randrange(len(chars) + 1)
        if op < 0.4 and i < len(chars):
            chars[i] = rng.choice("あいうえおカキクケコ漢字")
        elif op < 0.7 and i < len(chars):
            del chars[i]
        else:
            chars.insert(i, rng.choice("のはがをにで"))
    return "".join(chars)


def make_pairs(n: int, lo: int, hi: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        ref = sentence(rng, lo, hi)
        out.append((ref, perturb(rng, ref) if rng.random() < 0.8 else sentence(rng, lo, hi)))
    return out


def rate(fn: Callable[[], int], repeats: int) -> float:
    """Items per CPU second of this process, best of `repeats` runs (CPU time, so that other
    work on a shared machine does not count as ours)."""
    best = float("inf")
    count = 0
    for _ in range(repeats):
        t0 = time.process_time()
        count = fn()
        best = min(best, time.process_time() - t0)
    return count / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=5000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    import fugashi
    from rouge_score import rouge_scorer

    from eval_mm.metrics.anls import anls_item
    from eval_mm.metrics.ccocr import ccocr_f1_item, nls_item
    from eval_mm.metrics.choice import extract_legacy, extract_strict
    from eval_mm.metrics.open_strict import score_open
    from eval_mm.metrics.rouge import rougel_item, tagger
    from eval_mm.metrics.yesno import polarity_strict

    short = make_pairs(args.pairs, 3, 15, seed=0)  # answer/caption-length sentences
    pages = make_pairs(args.pairs, 30, 80, seed=1)  # page-transcription length
    rng = random.Random(2)
    responses = [rng.choice(RESPONSES) for _ in range(args.pairs)]
    opens = [(rng.choice(OPEN)[0], rng.choice(OPEN)[1]) for _ in range(args.pairs)]
    yesnos = [rng.choice(YESNO) for _ in range(args.pairs)]
    tagger()  # build the per-process tagger outside the timed region, as the bare loop does

    bare_tagger = fugashi.Tagger("-Owakati")

    class BareTok:
        def tokenize(self, text: str) -> list[str]:
            return bare_tagger.parse(text).split()

    bare = rouge_scorer.RougeScorer(["rougeL"], tokenizer=BareTok())

    def run_bare() -> int:
        for ref, pred in short:
            _ = bare.score(ref, pred)["rougeL"].fmeasure
        return len(short)

    def run_ours() -> int:
        for ref, pred in short:
            rougel_item(ref, pred)
        return len(short)

    def loop(fn: Callable[[str, str], object], pairs: list[tuple[str, str]]) -> Callable[[], int]:
        def run() -> int:
            for ref, pred in pairs:
                fn(ref, pred)
            return len(pairs)

        return run

    def run_extract(fn: Callable[[str, list[str]], object]) -> Callable[[], int]:
        def run() -> int:
            for r in responses:
                fn(r, OPTIONS)
            return len(responses)

        return run

    def run_open() -> int:
        for gold, resp in opens:
            score_open(gold, resp)
        return len(opens)

    def run_yesno() -> int:
        for resp in yesnos:
            polarity_strict(resp)
        return len(yesnos)

    bare_rate = rate(run_bare, args.repeats)
    ours_rate = rate(run_ours, args.repeats)
    rows = [
        ("rougel (ours: emoji strip + NFKC + fugashi + LCS)", ours_rate),
        ("bare loop: fugashi + rouge-score rougeL", bare_rate),
        ("anls, short answers", rate(loop(lambda g, p: anls_item([g], p), short), args.repeats)),
        ("anls, pages", rate(loop(lambda g, p: anls_item([g], p), pages), args.repeats)),
        ("ccocr_f1, pages", rate(loop(ccocr_f1_item, pages), args.repeats)),
        ("nls, pages", rate(loop(nls_item, pages), args.repeats)),
        ("MC extraction strict", strict_rate := rate(run_extract(extract_strict), args.repeats)),
        ("MC extraction legacy", rate(run_extract(extract_legacy), args.repeats)),
        ("open answer strict (number or text against a gold)", rate(run_open, args.repeats)),
        ("yes/no strict", rate(run_yesno, args.repeats)),
    ]
    print(f"{args.pairs} generated Japanese pairs, one core, CPU time, best of {args.repeats}")
    for name, r in rows:
        print(f"  {name:<52} {r:>12,.0f} /s")
    ratio = bare_rate / ours_rate
    print(f"  rougel time / bare-loop time: {ratio:.2f}x (goal <= 1.5x)")
    verdict = "ok" if strict_rate >= 50_000 else "BELOW GOAL"
    print(f"  strict MC extraction: {strict_rate:,.0f} responses/s (goal >= 50,000/s: {verdict})")


if __name__ == "__main__":
    main()
