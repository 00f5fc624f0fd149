"""Agreement of the strict scorers with a careful grader on the labelled corpus.

`data/strict_corpus.jsonl` (written by `data/author_corpus.py`, no benchmark content): each
case is a response, its gold and the grader's label (1 right, 0 wrong; an ambiguous or missing
answer is wrong). Every case goes through the real metric: MC through `mecha_acc`, `cvqa_acc`
and the MC part of `jmmmu_acc`; open answers through `jmmmu_acc`; yes/no, numerical and factoid
through `jdocqa_closed_acc`. Goal: >= 99.5 % overall and >= 98 % in every class.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eval_mm.core.sample import Sample
from eval_mm.registries import METRICS
from tests.metrics.helpers import make_sample

CORPUS = Path(__file__).with_name("data") / "strict_corpus.jsonl"
OVERALL_GOAL, CLASS_GOAL = 0.995, 0.98


def load() -> list[dict[str, Any]]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]


def sample_of(case: dict[str, Any]) -> tuple[str, Sample]:
    if case["kind"] == "mc":
        return "mecha_acc", make_sample(case["gold"], sid=f"{case['id']}_rot0",
                                        options=case["options"])  # fmt: skip
    if case["kind"] == "open":
        return "jmmmu_acc", make_sample(case["gold"], sid="test_Math_1", question_type="open")
    return "jdocqa_closed_acc", make_sample(case["gold"], answer_type=case["answer_type"])


def agreement_table(rows: dict[str, list[bool]]) -> str:
    lines = [f"{'class':<22} {'cases':>6} {'agree':>8}"]
    for cls, oks in sorted(rows.items()):
        lines.append(f"{cls:<22} {len(oks):>6} {sum(oks) / len(oks):>8.2%}")
    allv = [ok for oks in rows.values() for ok in oks]
    lines.append(f"{'overall':<22} {len(allv):>6} {sum(allv) / len(allv):>8.2%}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def corpus() -> list[dict[str, Any]]:
    return load()


def test_corpus_shape(corpus: list[dict[str, Any]]) -> None:
    assert len(corpus) >= 1500
    assert len({c["id"] for c in corpus}) == len(corpus)
    classes = defaultdict(int)
    for c in corpus:
        classes[c["class"]] += 1
        assert c["label"] in (0, 1)
    assert min(classes.values()) >= 50, classes
    n_options = {len(c["options"]) for c in corpus if c["kind"] == "mc"}
    assert set(range(2, 10)) <= n_options
    responses = " ".join(c["response"] for c in corpus)
    assert "答え" in responses and "The answer" in responses  # Japanese and English
    assert {c["answer_type"] for c in corpus if c["kind"] == "jdocqa"} == {0, 1, 2}


def test_strict_agrees_with_grader(corpus: list[dict[str, Any]]) -> None:
    scorers = {m: METRICS.get(m)() for m in ("mecha_acc", "jmmmu_acc", "jdocqa_closed_acc")}
    rows: dict[str, list[bool]] = defaultdict(list)
    misses = []
    for case in corpus:
        metric, sample = sample_of(case)
        score = scorers[metric].score_one(sample, case["response"])
        ok = score.value == float(case["label"])
        rows[case["class"]].append(ok)
        if not ok:
            misses.append(f"{case['id']}: {case['response']!r} gold={case['gold']} "
                          f"label={case['label']} got={score.value} {score.details}")  # fmt: skip
    table = agreement_table(rows)
    print("\n" + table)
    overall = sum(ok for oks in rows.values() for ok in oks) / len(corpus)
    worst = min(sum(oks) / len(oks) for oks in rows.values())
    detail = table + "\n" + "\n".join(misses[:60])
    assert overall >= OVERALL_GOAL and worst >= CLASS_GOAL, detail


def test_mc_scorers_share_one_reading(corpus: list[dict[str, Any]]) -> None:
    """CVQA and the MC part of JMMMU read a response exactly as MECHA does."""
    mecha, cvqa, jmmmu = (METRICS.get(m)() for m in ("mecha_acc", "cvqa_acc", "jmmmu_acc"))
    for case in corpus[::7]:
        if case["kind"] != "mc":
            continue
        s = make_sample(case["gold"], sid="test_Math_1", question_type="multiple-choice",
                        options=case["options"])  # fmt: skip
        want = mecha.score_one(s, case["response"]).value
        assert cvqa.score_one(s, case["response"]).value == want
        assert jmmmu.score_one(s, case["response"]).value == want


def test_fast_path_reads_as_the_rules(corpus: list[dict[str, Any]]) -> None:
    """The short-answer fast path of the MC extractor gives exactly what the full rules give."""
    from eval_mm.metrics.choice_strict import _extract

    for case in corpus:
        if case["kind"] == "mc":
            fast = _extract(case["response"], case["options"], fast=True)
            assert fast == _extract(case["response"], case["options"], fast=False), case["id"]


FUZZ = list("0123456789.,-−^eE×/万億千分の割%はいえ答えはではなく \n()AB東京")


@settings(deadline=None, max_examples=300)
@given(st.text(alphabet=st.sampled_from(FUZZ), max_size=30))
def test_readers_never_fail(text: str) -> None:
    """Any text gets a reading or a reason, never an exception (10^999 is infinite, not a crash)."""
    from eval_mm.metrics.choice import extract_strict
    from eval_mm.metrics.open_strict import score_open
    from eval_mm.metrics.yesno import polarity_strict

    assert extract_strict(text, ["東京", "大阪", "12", "1.5"]).reason
    assert score_open(["3.5", "東京"], text).reason
    assert polarity_strict(text).reason
