"""The English companion tasks (MMMU, AI2D, ChartQA, ChartQAPro, DocVQA, InfoVQA, TextVQA,
OK-VQA) through the CLI, from the session's two runs of the board group; prompt variants on
the same synthetic rows in-process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eval_mm.core.task import TaskOptions
from eval_mm.data import source_for
from eval_mm.registries import TASKS
from tests.tasks import synthetic as syn
from tests.tasks.helpers import card, check_snapshot, colours, extremes, samples, summary

P = syn.PALETTE
MC = "\nAnswer with the option's letter from the given choices directly."
WORD = "\nAnswer the question with a single word."
PHRASE = "\nAnswer the question using a single word or phrase."


def texts(run: Path) -> list[str]:
    return [r["messages"][0]["content"][-1]["text"] for r in samples(run)]


def test_mmmu(oracle_runs: dict[str, Path], wrong_runs: dict[str, Path]) -> None:
    run = oracle_runs["mmmu"]
    recs = samples(run)
    assert [r["id"] for r in recs] == [
        "validation_Art_1",
        "validation_Math_2",
        "validation_Physics_3",
    ]
    assert texts(run) == [
        " Which style is the painting in ?\nA. Baroque\nB. Cubist\nC. Gothic\nD. Rococo\n\n"
        + MC[1:],
        " What is the ratio shown?\n\n" + PHRASE[1:],
        "How long is the rod in , in metres?\n\n" + PHRASE[1:],
    ]
    assert [colours(run, r) for r in recs] == [[P[0], P[1]], [P[2]], [P[3]]]
    assert [(r["metadata"]["subject"], r["metadata"]["domain"]) for r in recs] == [
        ("Art", "Art and Design"),
        ("Math", "Science"),
        ("Physics", "Science"),
    ]
    check_snapshot("mmmu", run)
    extremes(run, wrong_runs["mmmu"], ("mmmu_acc", "mmmu_acc_legacy"))
    best = summary(run)["metrics"]["mmmu_acc"]["extra"]
    assert best["domains"]["Science"] == {"value": 100.0, "n": 2}
    official = summary(wrong_runs["mmmu"])["metrics"]["mmmu_acc_official"]["extra"]
    assert official["random_picks"] == 1 and official["seed"] == 42  # the one MC item


def test_ai2d(oracle_runs: dict[str, Path], wrong_runs: dict[str, Path]) -> None:
    run = oracle_runs["ai2d"]
    assert [r["references"] for r in samples(run)] == [["A"], ["B"]]
    assert texts(run)[0] == (
        "Which stage comes after the egg?\nA. larva\nB. adult\nC. pupa\nD. seed" + MC
    )
    check_snapshot("ai2d", run)
    extremes(run, wrong_runs["ai2d"], ("ai2d_acc", "ai2d_acc_legacy"))
    assert summary(wrong_runs["ai2d"])["metrics"]["ai2d_acc_legacy"]["extra"]["unparsed"] == 2


def test_chartqa(oracle_runs: dict[str, Path], wrong_runs: dict[str, Path]) -> None:
    run = oracle_runs["chartqa"]
    recs = samples(run)
    assert [r["references"] for r in recs] == [["45"], ["Japan"], ["12%"]]
    assert texts(run)[1] == "Which country has the longest bar?" + WORD
    assert [r["metadata"]["split"] for r in recs] == ["human", "augmented", "human"]
    check_snapshot("chartqa", run)
    extremes(run, wrong_runs["chartqa"], ("relaxed_acc", "substring_acc_legacy"))
    split = summary(run)["metrics"]["relaxed_acc"]["breakdown"]["split"]
    assert {k: v["n"] for k, v in split.items()} == {"augmented": 1, "human": 2}


def test_chartqapro(oracle_runs: dict[str, Path], wrong_runs: dict[str, Path]) -> None:
    run = oracle_runs["chartqapro"]
    recs = samples(run)
    assert [r["id"] for r in recs] == ["0", "1", "2", "3"]
    assert texts(run)[1] == "How many stores opened in 2019?" + WORD  # first question only
    assert recs[1]["references"] == ["10", "20"]
    meta = recs[1]["metadata"]
    assert meta["answer_last"] == "20" and meta["year_flags"] == ["NO", "NO"]
    assert meta["first_turn_only"] is True and recs[0]["metadata"]["first_turn_only"] is False
    (pixel,) = colours(run, recs[0])  # decoded from raw JPEG bytes (lossy: close, not equal)
    assert all(abs(a - b) <= 8 for a, b in zip(pixel, P[9], strict=True)), pixel
    check_snapshot("chartqapro", run)
    extremes(run, wrong_runs["chartqapro"], ("chartqapro_acc", "substring_acc_legacy"))
    types = summary(run)["metrics"]["chartqapro_acc"]["extra"]["question_types"]
    assert set(types) == {"Factoid", "Conversational", "Multi Choice", "Fact Checking"}


@pytest.mark.parametrize("task", ["docvqa", "infovqa"])
def test_docvqa_infovqa(
    task: str, oracle_runs: dict[str, Path], wrong_runs: dict[str, Path]
) -> None:
    run = oracle_runs[task]
    recs = samples(run)
    assert [r["id"] for r in recs] == (["d-101", "d-102"] if task == "docvqa" else ["i-7", "i-8"])
    assert recs[0]["references"] == (
        ["4471-B", "4471 B"] if task == "docvqa" else ["1,500", "1500"]
    )
    assert all(t.endswith(PHRASE) for t in texts(run))
    check_snapshot(task, run)
    extremes(run, wrong_runs[task], ("anls", "anls_lmms", "substring_acc_legacy"))


@pytest.mark.parametrize("task", ["textvqa", "okvqa"])
def test_textvqa_okvqa(
    task: str, oracle_runs: dict[str, Path], wrong_runs: dict[str, Path]
) -> None:
    run = oracle_runs[task]
    recs = samples(run)
    assert [len(r["references"]) for r in recs] == [10, 10]  # all ten answers, duplicates kept
    assert texts(run)[0] in ("what brand is the bottle?", "What sport can you play with this?")
    assert [r["id"] for r in recs] == (
        ["34602", "34603"] if task == "textvqa" else ["5001", "5002"]
    )
    check_snapshot(task, run)
    extremes(run, wrong_runs[task], ("vqa_acc", "substring_acc_legacy"))
    assert card(run)["generation"]["max_new_tokens"] == 1024


# ---------------------------------------------------------------- prompt variants, in-process


def _first(task: str, variant: str, data_root: Path) -> Any:
    cls = TASKS.get(task)
    t = cls(TaskOptions(variant, str(data_root / task)))
    return next(iter(t.samples(source_for(t))))


def test_lmms_variants(data_root: Path) -> None:
    textvqa = _first("textvqa", "lmms", data_root)
    assert textvqa.prompt == "What brand is the bottle?" + PHRASE  # str.capitalize()
    okvqa = _first("okvqa", "lmms", data_root)
    assert okvqa.prompt == (
        "What sport can you play with this?"
        "\nWhen the provided information is insufficient, respond with 'Unanswerable'." + PHRASE
    )


def test_chartqapro_full_variant(data_root: Path) -> None:
    cls = TASKS.get("chartqapro")
    task = cls(TaskOptions("full", str(data_root / "chartqapro")))
    recs = list(task.samples(source_for(task)))
    assert recs[1].prompt == "Q: How many stores opened in 2019?\nA: 10\nAnd in 2020?" + WORD
    assert recs[1].references == ["20"] and recs[1].metadata["first_turn_only"] is False
    assert recs[3].prompt.startswith("The chart compares two cities over ten years.\n\nIs the")
