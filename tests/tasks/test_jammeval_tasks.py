"""The seven JAMMEval refined sets through the CLI (the `jammeval` group of the session's two
runs) against the local fake grader: prompts, ids, the regex-first CVQA-JA path, repeats."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval_mm.core.task import TaskOptions
from eval_mm.data import source_for
from eval_mm.registries import TASKS
from eval_mm.tasks._groups import JAMMEVAL
from tests.tasks import synthetic as syn
from tests.tasks.helpers import card, check_snapshot, colours, extremes, samples, summary

P = syn.PALETTE
DIRECT = "\n上記の質問に対して、正確かつ簡潔に答えてください。"
MCQ = (
    "\nステップバイステップで考えてから答えてください。\n"
    "最後の行は 'Answer: $LETTER' の形式で、選択肢のアルファベットで回答してください。"
)


@pytest.mark.parametrize("task", [t for t in JAMMEVAL if t != "jammeval-cvqa"])
def test_open_sets(task: str, oracle_runs: dict[str, Path], wrong_runs: dict[str, Path]) -> None:
    run = oracle_runs[task]
    recs = samples(run)
    for r in recs:
        text = r["messages"][0]["content"][-1]["text"]
        assert text.endswith(DIRECT) and r["judge_question"] == text  # suffix shown to the grader
    assert "背景" not in "".join(r["judge_question"] for r in recs)  # Heron context never shown
    check_snapshot(task, run)
    extremes(run, wrong_runs[task], ("jammeval_acc", "jammeval_acc_v0"))
    extra = summary(run)["metrics"]["jammeval_acc"]["extra"]
    assert extra["runs"] == 2 and extra["per_run"] == [100.0, 100.0]
    assert (extra["min"], extra["max"], extra["std"], extra["majority"]) == (
        100.0,
        100.0,
        0.0,
        100.0,
    )
    assert card(run)["judge"]["prompts"]["jammeval_acc"]["version"] == "jammeval_hle_ja_v1"


def test_ids_and_images(oracle_runs: dict[str, Path]) -> None:
    heron = samples(oracle_runs["jammeval-heron-bench"])
    assert [r["id"] for r in heron] == ["1", "2"]  # original_id
    assert heron[0]["metadata"]["image_category"] == "anime"
    multi = oracle_runs["jammeval-ja-multi-image-vqa"]
    assert [colours(multi, r) for r in samples(multi)] == [[P[0], P[1]], [P[2]]]


def test_cvqa(oracle_runs: dict[str, Path], wrong_runs: dict[str, Path]) -> None:
    run = oracle_runs["jammeval-cvqa"]
    recs = samples(run)
    assert [r["id"] for r in recs] == ["cv-1", "cv-2", "cv-3"]
    assert [r["references"] for r in recs] == [["C"], ["B"], ["A"]]
    assert recs[0]["messages"][0]["content"][-1]["text"] == (
        "この料理の名前は？\nA. うどん\nB. そば\nC. ラーメン\nD. 寿司" + MCQ
    )
    check_snapshot("jammeval-cvqa", run)
    metrics = ("jammeval_acc", "jammeval_acc_v0", "jammeval_mcq_regex_acc")
    extremes(run, wrong_runs["jammeval-cvqa"], metrics)
    # The oracle's "Answer: C" is read by the regex (no grader call); "ZZZ" goes to the grader.
    best = summary(run)["metrics"]["jammeval_acc"]["extra"]
    worst = summary(wrong_runs["jammeval-cvqa"])["metrics"]["jammeval_acc"]["extra"]
    assert best["run_status_counts"] == {} and worst["run_status_counts"] == {"ok": 6}
    assert best["without_judge"] == {"regex": 3} and worst["without_judge"] == {}
    regex = summary(wrong_runs["jammeval-cvqa"])["metrics"]["jammeval_mcq_regex_acc"]
    assert regex["extra"]["unparsed"] == 3


def test_variants(data_root: Path) -> None:
    def first(task: str, variant: str) -> str:
        opts = TaskOptions(variant, str(data_root / task))
        t = TASKS.get(task)(opts)
        return next(iter(t.samples(source_for(t)))).prompt

    assert first("jammeval-jdocqa", "cot").endswith(
        "\n上記の質問に対して、ステップバイステップで考えてから答えてください。\n"
        "最後の行は 'Answer: $ANSWER' の形式で、正確かつ簡潔に回答してください。"
    )
    assert first("jammeval-cvqa", "direct").endswith(
        "寿司\n与えられた選択肢から該当する選択肢のアルファベットだけで答えてください。"
    )
