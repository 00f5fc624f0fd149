"""JaWildText (handwriting, receipts, board) and LLaVA-Bench-in-the-Wild (en) through the CLI:
the session's oracle and wrong-answer runs (one command each, the board group) against the
local fake judge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.tasks import synthetic as syn
from tests.tasks.helpers import card, check_snapshot, colours, extremes, samples, summary

P = syn.PALETTE
HW_PROMPT = (
    "OCR:\n画像内の文字をすべて読んでください。 改行されている部分には必ず\\nを挿入してください。"
)
BOARD_SUFFIX = (
    "\n画像を参照して回答してください。推論過程は出力しても構いませんが、"
    "最終回答は必ず \\boxed{...} で囲み、ボックス内には最終回答のみを1つだけ記載してください。"
)


def test_handwriting(oracle_runs: dict[str, Path], wrong_runs: dict[str, Path]) -> None:
    task = "jawildtext-handwriting-ocr"
    run = oracle_runs[task]
    recs = samples(run)
    assert [r["id"] for r in recs] == ["0", "1", "2"]
    # Centroid order: the left column first; a region without points first; empty texts out.
    assert [r["references"] for r in recs] == [
        ["左の列\n右の列"],
        ["表題\n一行目のメモ\n二行目です"],
        [""],
    ]
    assert all(r["messages"][0]["content"][-1]["text"] == HW_PROMPT for r in recs)
    assert [colours(run, r) for r in recs] == [[P[0]], [P[1]], [P[2]]]
    assert card(run)["generation"]["max_new_tokens"] == 2048
    check_snapshot(task, run)
    extremes(run, wrong_runs[task], ("jwt_cer_sim", "jwt_cer_sim_legacy"))
    worst = summary(wrong_runs[task])["metrics"]["jwt_cer_sim"]["extra"]
    # 25 edits over 22 gold characters: the empty-gold item adds its 3 insertions
    assert worst["cer_micro"] == pytest.approx(25 / 22) and worst["clipped"] == 0


def test_receipt(oracle_runs: dict[str, Path], wrong_runs: dict[str, Path]) -> None:
    task = "jawildtext-receipt-kie"
    run = oracle_runs[task]
    recs = samples(run)
    golds = [json.loads(r["references"][0]) for r in recs]
    assert list(golds[0]) == [
        "store_name",
        "store_address",
        "receipt_id",
        "date",
        "time",
        "total_amount",
        "tax_amount",
        "line_items",
    ]
    assert golds[0]["total_amount"] == "¥1,280" and golds[0]["store_address"] is None
    assert golds[0]["line_items"][1] == {
        "item_name": "みかん",
        "item_price": "¥980",
        "item_quantity": "1",
    }
    assert "テスト商店" in recs[0]["references"][0]  # non-ASCII kept, not \\u-escaped
    assert golds[2] == {**{k: None for k in list(golds[0])[:7]}, "line_items": []}
    assert card(run)["generation"]["max_new_tokens"] == 2048
    check_snapshot(task, run)
    extremes(run, wrong_runs[task], ("jwt_kie_f1", "jwt_kie_f1_legacy"))
    best = summary(run)["metrics"]["jwt_kie_f1"]["extra"]
    assert best["field_store_name"] == 1.0 and best["field_acc_present_date"] == 1.0
    worst = summary(wrong_runs[task])["metrics"]["jwt_kie_f1_legacy"]["extra"]
    assert worst["parse_error_count"] == 3 and worst["field_store_name"] is None


def test_board(oracle_runs: dict[str, Path], wrong_runs: dict[str, Path]) -> None:
    task = "jawildtext-board-vqa"
    run = oracle_runs[task]
    recs = samples(run)
    assert [r["references"] for r in recs] == [["午前十時"], ["三階"], ["500円"]]
    texts = [r["messages"][0]["content"][-1]["text"] for r in recs]
    assert texts[0] == "掲示板に書かれた開店時間は？" + BOARD_SUFFIX
    assert texts[1] == BOARD_SUFFIX  # a null question: the suffix alone
    assert [r["judge_question"] for r in recs] == texts  # the judge sees the suffix too
    check_snapshot(task, run)
    extremes(run, wrong_runs[task], ("jwt_board_acc", "jwt_board_acc_legacy"))
    strict = summary(wrong_runs[task])["metrics"]["jwt_board_acc"]["extra"]
    legacy = summary(wrong_runs[task])["metrics"]["jwt_board_acc_legacy"]["extra"]
    # Strict: "ZZZ" has no box, 0 without the judge; legacy judges the whole text (2 runs).
    assert strict["without_judge"] == {"no_boxed": 3} and strict["run_status_counts"] == {}
    assert legacy["without_judge"] == {} and legacy["run_status_counts"] == {"ok": 6}
    judge = card(run)["judge"]["prompts"]["jwt_board_acc"]
    assert judge["version"] == "jwt_board_llmjp"
    assert judge["sha256_user"].startswith("1804ec2b63ba")


def test_llava_bench_en(oracle_runs: dict[str, Path], wrong_runs: dict[str, Path]) -> None:
    task = "llava-bench-in-the-wild-en"
    run = oracle_runs[task]
    recs = samples(run)
    assert [r["id"] for r in recs] == ["0", "1", "2"]
    assert [r["judge_question"] for r in recs] == [
        r["messages"][0]["content"][-1]["text"] for r in recs
    ]
    assert recs[2]["references"] == ["He is probably expecting rain, since the sky is dark."]
    assert [r["metadata"]["category"] for r in recs] == ["conv", "detail", "complex"]
    check_snapshot(task, run)
    extremes(run, wrong_runs[task], ("judge_1to5", "judge_1to5_legacy"), 5.0, 1.0)
    extremes(run, wrong_runs[task], ("rougel",))
