"""Lost, torn and corrupt lines of predictions.jsonl are counted and reported by `run`,
`score` and `show`, never silently dropped from a number."""

from __future__ import annotations

import json
from pathlib import Path

from eval_mm.store import read_jsonl_checked
from tests.conftest import run_cli
from tests.errors.support import BASE_RUN, copy_results


def _damage(run_dir: Path) -> list[bytes]:
    """Lose one line, corrupt one, tear the last: 3 of 6 samples without a prediction."""
    path = run_dir / "predictions.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    assert len(lines) == 6
    kept = [lines[0], lines[1], b"\x00\x00garbage\n", lines[4], lines[5][:-10]]
    path.write_bytes(b"".join(kept))
    return lines


def test_the_reader_counts_what_it_could_not_read(earlier_run: Path, tmp_path: Path) -> None:
    run_dir = copy_results(earlier_run.parents[2], tmp_path / "r")
    _damage(run_dir)
    path = run_dir / "predictions.jsonl"
    path.write_bytes(path.read_bytes() + b"")
    read = read_jsonl_checked(path)
    assert (len(read.records), read.torn, read.corrupt, read.duplicates) == (3, 1, 1, 0)
    with path.open("ab") as f:
        f.write(b"\n" + json.dumps(read.records[0]).encode() + b"\n")
    again = read_jsonl_checked(path)
    assert again.duplicates == 1 and again.corrupt == 2  # the torn tail became a bad line


def test_score_and_show_report_missing_predictions(earlier_run: Path, tmp_path: Path) -> None:
    run_dir = copy_results(earlier_run.parents[2], tmp_path / "r")
    _damage(run_dir)
    proc = run_cli("score", str(run_dir))
    assert proc.returncode == 1, proc.stderr  # incomplete: a rerun of `run` fills the gaps
    assert "3 of 6 samples have no prediction" in proc.stderr
    assert "1 torn line, 1 corrupt line" in proc.stderr and "eval-mm run" in proc.stderr
    summary = json.loads((run_dir / "summary.json").read_text("utf-8"))
    assert summary["counts"]["missing"] == 3
    assert summary["metrics"]["anls"]["n"] == 3  # what was scored, and the rest is counted
    assert "missing 3" in proc.stdout and "[incomplete]" in proc.stdout
    assert json.loads((run_dir / "run.json").read_text("utf-8"))["status"] == "incomplete"
    shown = run_cli("show", str(run_dir))
    assert shown.returncode == 0 and "3 of 6 samples have no prediction" in shown.stdout


def test_a_resumed_run_says_what_it_regenerates(earlier_run: Path, tmp_path: Path) -> None:
    store = tmp_path / "r"
    run_dir = copy_results(earlier_run.parents[2], store)
    _damage(run_dir)
    proc = run_cli(*BASE_RUN, "-o", str(store))
    assert proc.returncode == 0, proc.stderr
    assert "1 torn line, 1 corrupt line" in proc.stderr and "generated again" in proc.stderr
    card = json.loads((run_dir / "run.json").read_text("utf-8"))
    assert card["counts"]["generated_now"] == 3 and card["counts"]["resumed"] == 3
    assert read_jsonl_checked(run_dir / "predictions.jsonl").damaged == 0
    assert "missing" not in proc.stdout
