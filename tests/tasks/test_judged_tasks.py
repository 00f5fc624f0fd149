"""Judged tasks (Heron-Bench, JA-VLM-Bench-In-the-Wild, JA-VG-VQA-500 x2, JDocQA,
JA-Multi-Image-VQA) through the CLI against the local fake judge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import cli_env
from tests.support.openai_server import FakeOpenAI
from tests.tasks import synthetic as syn
from tests.tasks.conftest import shim_cli
from tests.tasks.helpers import (
    card,
    check_snapshot,
    colours,
    find_runs,
    judge_flags,
    samples,
    summary,
    value,
)

P = syn.PALETTE


def test_heron_samples_and_prompts(oracle_runs: dict[str, Path]) -> None:
    run = oracle_runs["japanese-heron-bench"]
    recs = samples(run)
    assert [r["id"] for r in recs] == ["7", "3", "12", "5"]
    assert recs[0]["references"] == ["gpt-4-0125-previewの回答0：パンです。"]
    meta = recs[1]["metadata"]
    assert {k: v for k, v in meta.items() if k != "image_id"} == {
        "category": "detail",
        "image_category": "art",
        "context": "青い壁に白い時計が掛かっている。",
    }
    # The cluster key: questions 7 and 5 are asked on the same picture, the others not.
    images = [r["metadata"]["image_id"] for r in recs]
    assert images[0] == images[3] and len(set(images)) == 3
    assert recs[2]["judge_question"] == "この景色から季節を推測してください。"
    assert [colours(run, r) for r in recs] == [[P[0]], [P[1]], [P[2]], [P[0]]]
    check_snapshot("japanese-heron-bench", run)


def test_heron_scores(oracle_runs: dict[str, Path], wrong_runs: dict[str, Path]) -> None:
    for metric in ("heron_rel", "heron_rel_legacy"):
        best = summary(oracle_runs["japanese-heron-bench"])["metrics"][metric]
        assert best["value"] == 100.0
        assert best["extra"]["categories"] == {"conv": 100.0, "detail": 100.0, "complex": 100.0}
        # The judge gives the wrong answer 1 against the reference's 8: the lowest reachable.
        worst = summary(wrong_runs["japanese-heron-bench"])["metrics"][metric]
        assert worst["value"] == pytest.approx(12.5)
        assert worst["extra"]["categories"] == {
            c: pytest.approx(12.5) for c in ("conv", "detail", "complex")
        }


def test_heron_alias_data_flag_and_original_judge_prompt(
    data_root: Path, judge_server: FakeOpenAI, tmp_path: Path
) -> None:
    """`--task heron` resolves the alias, `--data FILE` reads one parquet file, and the
    benchmark authors' judge prompt is selectable with --judge-prompt."""
    env = cli_env(OPENAI_API_KEY="sk-test", EVAL_MM_CACHE=str(tmp_path / "cache"))
    data = str(data_root / "japanese-heron-bench" / "data.parquet")
    before = len(judge_server.requests)
    proc = shim_cli(
        "run",
        "--model",
        "oracle",
        "--task",
        "heron",
        "--data",
        data,
        "-o",
        str(tmp_path),
        "--judge-prompt",
        "heron_original_v1",
        "--no-save-images",
        *judge_flags(judge_server.base_url),
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    bodies = [json.dumps(r.get("body"), ensure_ascii=False) for r in judge_server.requests[before:]]
    assert len(bodies) == 4 * 2 and all("[Assistant 1]" in b for b in bodies)  # 4 items x 2 runs
    run = find_runs(tmp_path)["japanese-heron-bench"]
    assert card(run)["task"]["data"]["source"] == "local"
    assert value(run, "heron_rel") == 100.0 and value(run, "heron_rel_legacy") == 100.0


def test_asagi_variant(data_root: Path, tmp_path: Path) -> None:
    """One CLI run of the four tasks with the asagi instruction variant (no judge needed)."""
    tasks = (
        "japanese-heron-bench",
        "ja-vlm-bench-in-the-wild",
        "ja-vg-vqa-500",
        "ja-vg-vqa-500-first",
    )
    proc = shim_cli(
        "run",
        "--model",
        "oracle",
        "--task",
        ",".join(tasks),
        "--prompt-variant",
        "asagi",
        "--no-judge",
        "--generate-only",
        "--no-save-images",
        "-o",
        str(tmp_path),
        env=cli_env(EVAL_MM_DATA_DIR=str(data_root)),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    runs = find_runs(tmp_path)
    for task in tasks:
        assert card(runs[task])["task"]["prompt_variant"] == "asagi"
        check_snapshot(f"{task}.asagi", runs[task])
    heron = samples(runs["japanese-heron-bench"])[0]
    assert heron["messages"][0]["content"][-1]["text"] == (
        "この画像を見て、次の質問に詳細かつ具体的に教えてください。\n皿の上には何がありますか？"
    )
    assert (
        heron["judge_question"] == "皿の上には何がありますか？"
    )  # the judge sees the bare question
    vg = samples(runs["ja-vg-vqa-500"])[0]["messages"][0]["content"][-1]["text"]
    assert vg == "この画像を見て、次の質問に簡潔に教えてください。\n車は何色ですか？"


def json_value(path: Path) -> float:
    return float(json.loads(path.read_text(encoding="utf-8"))["metrics"]["heron_rel"]["value"])


def test_jvb_itw(oracle_runs: dict[str, Path], wrong_runs: dict[str, Path]) -> None:
    run = oracle_runs["ja-vlm-bench-in-the-wild"]
    recs = samples(run)
    assert [r["id"] for r in recs] == ["0", "1", "2"]
    assert [r["judge_question"] for r in recs] == [
        "この建物の屋根は何色ですか？",
        "写真の猫は何をしていますか？",
        "看板には何と書いてありますか？",
    ]
    assert recs[1]["references"] == ["猫は窓辺で眠っています。"]
    assert [colours(run, r) for r in recs] == [[P[3]], [P[4]], [P[3]]]
    check_snapshot("ja-vlm-bench-in-the-wild", run)
    _judged_extremes("ja-vlm-bench-in-the-wild", oracle_runs, wrong_runs)


def _judged_extremes(task: str, oracle_runs: dict[str, Path], wrong_runs: dict[str, Path]) -> None:
    assert value(oracle_runs[task], "judge_1to5") == 5.0
    assert value(wrong_runs[task], "judge_1to5") == 1.0
    metrics = summary(oracle_runs[task])["metrics"]
    if "judge_1to5_legacy" in metrics:
        assert value(oracle_runs[task], "judge_1to5_legacy") == 5.0
        assert value(wrong_runs[task], "judge_1to5_legacy") == 1.0
    assert value(oracle_runs[task], "rougel") == pytest.approx(100.0)
    assert value(wrong_runs[task], "rougel") == 0.0


def test_vg_vqa_flattened_and_first(
    oracle_runs: dict[str, Path], wrong_runs: dict[str, Path]
) -> None:
    flat, first = oracle_runs["ja-vg-vqa-500"], oracle_runs["ja-vg-vqa-500-first"]
    recs = samples(flat)
    assert [r["id"] for r in recs] == ["9001", "9002", "9010", "9020", "9021", "9022"]
    assert [r["metadata"]["image_id"] for r in recs] == [101, 101, 102, 103, 103, 103]
    assert [colours(flat, r) for r in recs] == [[P[5]], [P[5]], [P[6]], [P[7]], [P[7]], [P[7]]]
    assert [r["references"] for r in recs][3] == ["本。"]
    assert card(flat)["task"]["data"]["qa_pairs"] == 6
    assert [r["id"] for r in samples(first)] == ["9001", "9010", "9020"]
    assert (
        summary(first)["primary_metric"] == "rougel"
        and summary(flat)["primary_metric"] == "judge_1to5"
    )
    check_snapshot("ja-vg-vqa-500", flat)
    check_snapshot("ja-vg-vqa-500-first", first)
    for task in ("ja-vg-vqa-500", "ja-vg-vqa-500-first"):
        _judged_extremes(task, oracle_runs, wrong_runs)


def test_jdocqa(oracle_runs: dict[str, Path], wrong_runs: dict[str, Path]) -> None:
    run = oracle_runs["jdocqa"]
    recs = samples(run)
    assert [r["id"] for r in recs] == ["11", "12", "13", "14", "15"]
    # Non-empty page columns in order image_0..image_3; a gap is skipped.
    assert [colours(run, r) for r in recs] == [
        [P[0]],
        [P[1], P[5], P[6]],
        [P[2]],
        [P[3]],
        [P[4], P[7]],
    ]
    assert [r["metadata"]["answer_type_name"] for r in recs] == [
        "yes/no",
        "factoid",
        "numerical",
        "open-ended",
        "factoid",
    ]
    assert [r["metadata"]["anls_applicable"] for r in recs] == [False, True, True, False, True]
    assert recs[2]["judge_question"].endswith("\n解答は数量のみで答えてください。")
    check_snapshot("jdocqa", run)
    _judged_extremes_no_rouge("jdocqa", oracle_runs, wrong_runs)
    for metric in ("jdocqa_closed_acc", "jdocqa_acc_legacy", "jdocqa_open_bleu", "anls", "anls_ja"):
        assert value(run, metric) == pytest.approx(100.0), metric
        assert value(wrong_runs["jdocqa"], metric) == 0.0, metric
    assert summary(run)["metrics"]["anls"]["n"] == 3  # factoid and numerical items only


def _judged_extremes_no_rouge(
    task: str, oracle_runs: dict[str, Path], wrong_runs: dict[str, Path]
) -> None:
    for metric in ("judge_1to5", "judge_1to5_legacy"):
        assert value(oracle_runs[task], metric) == 5.0
        assert value(wrong_runs[task], metric) == 1.0


def test_multi_image(oracle_runs: dict[str, Path], wrong_runs: dict[str, Path]) -> None:
    run = oracle_runs["ja-multi-image-vqa"]
    recs = samples(run)
    assert [r["id"] for r in recs] == ["0", "1", "2"]
    assert [colours(run, r) for r in recs] == [[P[0], P[1]], [P[2], P[3], P[4]], [P[5]]]
    assert [r["messages"][0]["content"][-1]["text"] for r in recs] == [
        "二枚の写真の違いは何ですか？",
        "三枚に共通するものは？",
        "この写真の場所はどこですか？",
    ]
    assert recs[0]["judge_question"] == "<image> <image> 二枚の写真の違いは何ですか？"  # unmodified
    check_snapshot("ja-multi-image-vqa", run)
    _judged_extremes("ja-multi-image-vqa", oracle_runs, wrong_runs)
