"""Task groups (`--task llmjp-board-2026`), the 2026 listing, and lazy data loading: a run of
one task reads no other task's data."""

from __future__ import annotations

import json
from pathlib import Path

from eval_mm.registries import METRICS, TASKS
from eval_mm.tasks._groups import BOARD_2026, GROUPS, expand
from tests.conftest import cli_env, run_cli
from tests.tasks.conftest import shim_cli
from tests.tasks.helpers import ALL_TASKS, card, find_runs, samples

NEW = {  # task: (snapshot-D column or short name, aliases, metrics with the headline first)
    "jawildtext-handwriting-ocr": ("JWTxt-HW", ("jwt-hw",), ("jwt_cer_sim", "jwt_cer_sim_legacy")),
    "jawildtext-receipt-kie": (
        "JWTxt-Receipt",
        ("jwt-receipt",),
        ("jwt_kie_f1", "jwt_kie_f1_legacy"),
    ),
    "jawildtext-board-vqa": (
        "JWTxt-Board",
        ("jwt-board", "dense-stvqa"),
        ("jwt_board_acc", "jwt_board_acc_legacy"),
    ),
    "llava-bench-in-the-wild-en": (
        "LLAVA",
        ("llava-bench", "llava"),
        ("judge_1to5", "judge_1to5_legacy", "rougel"),
    ),
    "mmmu": ("MMMU", ("mmmu-val",), ("mmmu_acc", "mmmu_acc_legacy", "mmmu_acc_official")),
    "ai2d": ("AI2D", (), ("ai2d_acc", "ai2d_acc_legacy")),
    "chartqa": ("ChartQA", (), ("relaxed_acc", "substring_acc_legacy")),
    "chartqapro": ("ChartQAPro", (), ("chartqapro_acc", "substring_acc_legacy")),
    "docvqa": ("DocVQA", ("docvqa-val",), ("anls", "anls_lmms", "substring_acc_legacy")),
    "infovqa": ("InfoVQA", ("infographicvqa", "infovqa-val"), ("anls", "substring_acc_legacy")),
    "textvqa": ("TextVQA", ("textvqa-val",), ("vqa_acc", "substring_acc_legacy")),
    "okvqa": ("OK-VQA", ("ok-vqa",), ("vqa_acc", "substring_acc_legacy")),
    "jammeval-cvqa": ("JAMM-CVQA", ("cvqaja",), ("jammeval_acc", "jammeval_mcq_regex_acc")),
}


def test_listing_shows_the_2026_tasks_and_the_groups() -> None:
    proc = run_cli("list", "tasks")
    assert proc.returncode == 0, proc.stderr
    tasks, _, groups = proc.stdout.partition("Groups")
    lines = {line.split()[0]: line for line in tasks.splitlines()[2:] if line.strip()}
    assert len(lines) >= 25 and set(ALL_TASKS) <= set(lines)
    for task, (short, aliases, metrics) in NEW.items():
        assert all(a in lines[task] for a in aliases + metrics), lines[task]
        cls = TASKS.get(task)
        assert cls.short_name == short and cls.primary_metric == metrics[0]
        assert all(METRICS.canonical(m) == m for m in cls.metrics)
    for name, (_, members) in GROUPS.items():
        assert f"{name} " in groups and f" {len(members)} " in groups


def test_group_expansion() -> None:
    assert len(BOARD_2026) == 21 and len(set(BOARD_2026)) == 21
    assert expand(["llmjp-board-2026"]) == list(BOARD_2026)
    # Members of several groups and names given twice run once, in first-seen order.
    assert expand(["mmmu", "english-companions", "jwt-hw", "mmmu"])[:3] == [
        "mmmu",
        "llava-bench-in-the-wild-en",
        "ai2d",
    ]
    ja = expand(["llmjp-board-2026-ja"])
    assert len(ja) == 12 and "mmmu" not in ja and "jawildtext-board-vqa" in ja
    assert all(TASKS.canonical(t) == t for g in GROUPS.values() for t in g[1])


def test_unknown_group_or_task_is_a_usage_error(tmp_path: Path) -> None:
    proc = run_cli("run", "--model", "oracle", "--task", "llmjp-board-2027", "-o", str(tmp_path))
    assert proc.returncode == 2 and "unknown task 'llmjp-board-2027'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_one_task_reads_only_its_own_data(data_root: Path, tmp_path: Path) -> None:
    """Every other task's local copy is an unreadable file; the run of one task succeeds, so
    nothing but its own data was opened. Also: the leaderboard profile caps at 256 tokens."""
    root = tmp_path / "data"
    root.mkdir()
    for task in ALL_TASKS:
        folder = root / task
        if task == "jawildtext-handwriting-ocr":
            folder.symlink_to(data_root / task, target_is_directory=True)
        else:
            folder.mkdir()
            (folder / "data.parquet").write_bytes(b"not a parquet file")
    proc = shim_cli(
        "run",
        "--model",
        "oracle",
        "--task",
        "jwt-hw",
        "--profile",
        "llmjp-leaderboard",
        "--no-save-images",
        "-o",
        str(tmp_path / "out"),
        env=cli_env(EVAL_MM_DATA_DIR=str(root)),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    run = find_runs(tmp_path / "out")["jawildtext-handwriting-ocr"]
    assert card(run)["generation"]["max_new_tokens"] == 256
    assert len(samples(run)) == 3
    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    assert summary["metrics"]["jwt_cer_sim"]["value"] == 100.0
