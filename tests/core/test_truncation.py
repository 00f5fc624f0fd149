"""Outputs cut by the token limit are recorded per prediction, counted and warned about."""

from __future__ import annotations

from pathlib import Path

from eval_mm.store import read_jsonl
from tests.conftest import run_cli
from tests.core import identity_support as h


def test_cut_outputs_are_flagged_counted_and_shown(tmp_path: Path) -> None:
    data = h.write_jvb(tmp_path / "d", 4)
    srv = h.judge_server()
    srv.default_reply = "これはとても長い回答で、トークンの上限を超えてしまいます。" * 3
    try:
        out = tmp_path / "results"
        args = ["run", "-m", "openai:served", "--model-option", f"base_url={srv.base_url}",
                "-t", h.TASK, "--data", str(data), "-o", str(out), "--metrics", "rougel",
                "--no-progress"]
        cut = run_cli(*args, "--max-new-tokens", "3", env=h.env(tmp_path))
        whole = run_cli(*args, env=h.env(tmp_path))
    finally:
        srv.stop()
    assert cut.returncode == 0 and whole.returncode == 0, cut.stderr + whole.stderr
    by_cap = {h.read(r / "run.json")["generation"]["max_new_tokens"]: r for r in h.runs(out)}
    preds = read_jsonl(by_cap[3] / "predictions.jsonl")
    assert {p["finish_reason"] for p in preds} == {"length"} and len(preds[0]["output"]) == 12
    assert h.read(by_cap[3] / "run.json")["counts"]["truncated"] == 4
    assert {p["finish_reason"] for p in read_jsonl(by_cap[1024] / "predictions.jsonl")} == {"stop"}
    assert "4 of 4 outputs (100.0%) were cut by the token limit" in cut.stdout
    shown = run_cli("show", str(by_cap[3]))
    assert "were cut by the token limit" in shown.stdout
    assert "cut by the token limit" not in run_cli("show", str(by_cap[1024])).stdout
