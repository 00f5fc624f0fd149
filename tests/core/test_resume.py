"""A run killed (SIGKILL, a real process kill) at several points resumes to exactly one record
per sample and the same summary as an uninterrupted run."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from eval_mm.store import read_jsonl
from tests.conftest import ROOT, cli_env, run_cli

ARGS = [
    "run",
    "-m",
    "oracle",
    "-t",
    "word-ocr",
    "--task-option",
    "per_variant=30",
    "--model-option",
    "batch_size=3",
    "--model-option",
    "delay=0.03",
    "--no-progress",
]
N = 90


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def _kill_after(out: Path, records: int) -> None:
    """Start a run and SIGKILL it once `records` predictions are on disk."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "eval_mm.cli.main", *ARGS, "-o", str(out)],
        cwd=ROOT,
        env=cli_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            preds = list(out.rglob("predictions.jsonl"))
            if preds and _lines(preds[0]) >= records:
                break
            time.sleep(0.005)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()


def _metrics(out: Path) -> dict:
    summary = json.loads(next(out.rglob("summary.json")).read_text(encoding="utf-8"))
    return summary["metrics"]


def test_killed_run_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    assert run_cli(*ARGS, "-o", str(clean)).returncode == 0

    out = tmp_path / "killed"
    seen = []
    for point in (1, 20, 55):
        _kill_after(out, point)
        preds = next(out.rglob("predictions.jsonl"))
        seen.append(_lines(preds))
    assert seen[0] >= 1 and seen[-1] < N, seen  # really interrupted mid-run, three times
    assert not list(out.rglob("summary.json"))  # never got as far as scoring

    proc = run_cli(*ARGS, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    run = next(out.rglob("run.json")).parent
    ids = [r["id"] for r in read_jsonl(run / "predictions.jsonl")]
    assert len(ids) == N and len(set(ids)) == N
    assert _lines(run / "predictions.jsonl") == N  # no torn or duplicate lines left in the file
    card = json.loads((run / "run.json").read_text(encoding="utf-8"))
    assert card["counts"]["resumed"] >= seen[-1] - 3 and len(card["invocations"]) >= 2
    assert _metrics(out) == _metrics(clean)

    # A rerun of a complete run generates nothing.
    proc = run_cli(*ARGS, "-o", str(out))
    card = json.loads((run / "run.json").read_text(encoding="utf-8"))
    assert proc.returncode == 0 and card["counts"]["generated_now"] == 0
