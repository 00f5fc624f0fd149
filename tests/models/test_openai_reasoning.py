"""`openai:NAME` with a reasoning model behind the local OpenAI-compatible test server,
through the CLI: reasoning returned apart, reasoning tokens, cut outputs, the generation
ledger in the run folder and `eval-mm show`'s warnings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval_mm.store import read_jsonl
from tests.models.conftest import run_tiny_cli
from tests.support.openai_server import FakeOpenAI

THOUGHT = "猫の色を考える。"  # 8 characters: 3 tokens at the server's 4 characters a token


def _run(srv: FakeOpenAI, out: Path, *extra: str) -> tuple[Path, str]:
    proc = run_tiny_cli(
        "run",
        "--model",
        "openai:tiny-thinker",
        "--model-option",
        f"base_url={srv.base_url}",
        "--model-option",
        "reasoning=api",
        "--task",
        "tiny-mm",
        "-o",
        str(out),
        "--no-save-images",
        "--no-progress",
        *extra,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    runs = sorted(p.parent for p in out.rglob("run.json"))
    assert len(runs) == 1
    return runs[0], proc.stderr


def _script(srv: FakeOpenAI) -> None:
    srv.script("私は猫です", {"content": "赤", "reasoning_content": THOUGHT})  # q00 q03 q06
    srv.script("東京", {"content": "青", "reasoning_content": "考え" * 100})  # cut thinking
    srv.script("会議", "とても長い答えです。" * 20)  # q02 q05: a long answer, cut


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_reasoning_replies_cuts_and_the_generation_bill_are_recorded(tmp_path: Path) -> None:
    with FakeOpenAI() as srv:
        _script(srv)
        srv.server_info = {"version": "0.11.0", "id": "tiny-thinker", "root": "/m/tiny"}
        prices = ("--model-option", "price_in=1.5", "--model-option", "price_out=4")
        run, stderr = _run(srv, tmp_path, "--max-new-tokens", "16", *prices)
        bodies = srv.chat_bodies()
    # a reasoning model's limit goes as max_completion_tokens, never max_tokens
    assert len(bodies) == 8
    assert all(b["max_completion_tokens"] == 16 and "max_tokens" not in b for b in bodies)
    preds = {r["id"]: r for r in read_jsonl(run / "predictions.jsonl")}
    assert preds["q00"]["output"] == "赤" and preds["q00"]["finish_reason"] == "stop"
    assert preds["q00"]["reasoning"] == THOUGHT and preds["q00"]["reasoning_tokens"] == 3
    cut = preds["q01"]  # thought past the limit: no answer at all
    assert cut["finish_reason"] == "length" and cut["output"] == ""
    assert cut["reasoning"].startswith("考え") and cut["reasoning_tokens"] == 16
    assert preds["q02"]["finish_reason"] == "length" and "reasoning" not in preds["q02"]
    card = _json(run / "run.json")
    assert card["counts"]["truncated"] == 5 and card["counts"]["no_final_answer"] == 3
    assert _json(run / "summary.json")["counts"] == card["counts"]
    assert card["generation"]["do_sample"] is False and card["generation"]["temperature"] == 0
    assert card["model"]["settings"]["reasoning"] == "api"
    ledger = _json(run / "generation_ledger.json")
    [entry] = ledger["invocations"]
    assert entry["role"] == "generation" and entry["model"] == "tiny-thinker"
    assert entry["requests"] == 8 and entry["failed_attempts"] == 0
    assert entry["reasoning_tokens"] == 3 * 3 + 3 * 16 and entry["completion_tokens"] > 57
    assert entry["cost_usd"] == pytest.approx(
        (entry["prompt_tokens"] * 1.5 + entry["completion_tokens"] * 4) / 1e6
    )
    assert entry["models_reported"] == ["tiny-thinker"]
    assert entry["server"] == {"server_version": "0.11.0", "model_root": "/m/tiny"}
    assert card["generation_ledger"] == entry
    assert card["model"]["models_reported"] == ["tiny-thinker"]  # refreshed after generating
    assert not (run / "judge_ledger.json").exists()
    assert "generation tiny-thinker: 8 requests" in stderr  # the invocation's bill
    shown = run_tiny_cli("show", str(run))
    assert shown.returncode == 0, shown.stderr
    assert "5 of 8 outputs (62.5%) were cut by the token limit" in shown.stdout
    assert "3 of 8 outputs reasoned and gave no final answer" in shown.stdout
    assert "generation tiny-thinker: 8 requests in 1 invocations" in shown.stdout
    assert f"${entry['cost_usd']:.4f}" in shown.stdout


def test_without_a_flag_a_reasoning_model_gets_the_reasoning_budget(tmp_path: Path) -> None:
    with FakeOpenAI() as srv:
        _script(srv)
        run, _ = _run(srv, tmp_path, "--model-option", "reasoning_effort=low", "--do-sample")
        bodies = srv.chat_bodies()
    assert {b["max_completion_tokens"] for b in bodies} == {16384}
    assert {b["reasoning_effort"] for b in bodies} == {"low"}
    assert {b["temperature"] for b in bodies} == {1.0}  # --do-sample alone samples at 1
    card = _json(run / "run.json")
    assert card["generation"]["max_new_tokens"] == 16384 and card["generation"]["do_sample"]
    assert card["generation_budget_source"] == "model reasoning budget"
    assert card["counts"]["truncated"] == 0 and card["counts"]["no_final_answer"] == 0


def test_a_rejected_key_stops_the_run_and_what_was_tried_is_in_the_ledger(
    tmp_path: Path,
) -> None:
    with FakeOpenAI() as srv:
        srv.api_key = "sk-the-right-one"  # the run sends "EMPTY": 401
        proc = run_tiny_cli(
            "run", "-m", "openai:tiny-thinker", "--model-option", f"base_url={srv.base_url}",
            "--model-option", "concurrency=1", "-t", "tiny-mm", "-o", str(tmp_path),
            "--no-save-images", "--no-progress",
        )
        sent = srv.chat_count
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "model tiny-thinker: HTTP 401" in proc.stderr  # the generation role, not "judge"
    [run] = [p.parent for p in tmp_path.rglob("run.json")]
    card = _json(run / "run.json")
    assert card["status"] == "stopped"
    [entry] = _json(run / "generation_ledger.json")["invocations"]
    assert entry["requests"] == 0 and entry["failed_attempts"] == sent >= 1
    assert card["generation_ledger"] == entry
    assert card["model"]["models_reported"] == []  # no reply came back
