"""Batch API mode end to end against the fake server's files and batches endpoints."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from eval_mm.core.scoring import ScoreContext
from eval_mm.judges import batch as batch_mod
from eval_mm.judges.batch import STATE_FILE, parse_custom_id, split_lines
from eval_mm.registries import METRICS
from tests.judge.conftest import qa_samples, write_run
from tests.support.openai_server import FakeOpenAI

Ctx = Callable[..., ScoreContext]


def score_run(run: Path, ctx: ScoreContext, metric: str = "judge_1to5"):  # type: ignore[no-untyped-def]
    from eval_mm.generate import load_predictions
    from eval_mm.score import load_samples

    samples = load_samples(run)
    preds = load_predictions(run)
    ctx.run_dir = run
    scorer = METRICS.get(metric)()
    half = len(samples) // 2  # two chunks, as score.py would call
    scores = [
        *scorer.score(samples[:half], [preds[s.id]["output"] for s in samples[:half]], ctx),
        *scorer.score(samples[half:], [preds[s.id]["output"] for s in samples[half:]], ctx),
    ]
    return scores, scorer.aggregate(samples, scores)


def make_run(tmp_path: Path, n: int = 6) -> Path:
    samples = qa_samples(n, prefix="id:with:colons:")
    return write_run(tmp_path / "m" / "ja-vg-vqa-500" / "cfg", "ja-vg-vqa-500", samples, ["ok"] * n)


def test_custom_ids_parse_with_colons_in_sample_ids() -> None:
    assert parse_custom_id("task:judge_1to5:a:b:c:3") == ("task", "judge_1to5", "a:b:c", "3")
    assert [len(p) for p in split_lines(["x"] * 5)] == [5]


def test_batch_end_to_end_fills_the_cache(
    fake_openai: FakeOpenAI, judge_ctx: Ctx, tmp_path: Path
) -> None:
    fake_openai.default_reply = "4"
    fake_openai.batch_polls = 3
    run = make_run(tmp_path)
    ctx = judge_ctx(batch=True, runs=2, batch_poll_s=0.01)
    scores, summary = score_run(run, ctx)
    assert fake_openai.chat_count == 0  # everything went through one batch
    # the batch's replies were paid for in this invocation: not cache hits
    ledger = ctx.resources["judge_engine"].ledger_for(run).to_json()
    assert ledger["batch_requests"] == 12 and ledger["cache_hits"] == 0
    assert fake_openai.counts["batch_create"] == 1 and fake_openai.counts["batch_line"] == 12
    upload = next(r for r in fake_openai.requests if r["kind"] == "file_upload")
    assert upload["body"] == {"purpose": "batch"}
    lines = [
        json.loads(x)
        for x in next(iter(fake_openai.files.values()))["content"].decode().splitlines()
    ]
    assert lines[0]["url"] == "/v1/chat/completions" and lines[0]["body"]["seed"] in (0, 1)
    assert {parse_custom_id(x["custom_id"])[2] for x in lines} == {
        f"id:with:colons:{i}" for i in range(6)
    }
    assert summary.value == 4.0 and summary.n == 6
    run0 = scores[0].details["runs"][0]
    assert run0["batch"]["batch_id"].startswith("batch-") and run0["batch"]["custom_id"]
    state = json.loads((run / STATE_FILE).read_text())
    assert next(iter(state.values()))["batches"][0]["status"] == "completed"
    # the legacy metric and a rerun cost nothing
    score_run(run, judge_ctx(batch=True, runs=2), "judge_1to5_legacy")
    assert fake_openai.counts["batch_create"] == 1 and fake_openai.chat_count == 0


def test_a_restart_resumes_the_submitted_batch(
    fake_openai: FakeOpenAI, judge_ctx: Ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_openai.batch_polls = 5
    run = make_run(tmp_path)

    def killed(_: float) -> None:
        raise KeyboardInterrupt  # the process dies while polling

    monkeypatch.setattr(batch_mod.time, "sleep", killed)
    with pytest.raises(KeyboardInterrupt):
        score_run(run, judge_ctx(batch=True, runs=1))
    assert fake_openai.counts["batch_create"] == 1 and (run / STATE_FILE).exists()
    monkeypatch.setattr(batch_mod.time, "sleep", lambda _: None)
    _, summary = score_run(run, judge_ctx(batch=True, runs=1))
    assert fake_openai.counts["batch_create"] == 1  # polled the old batch, never paid twice
    assert summary.n == 6 and fake_openai.chat_count == 0


def test_failed_and_expired_lines_fall_back_to_the_online_path(
    fake_openai: FakeOpenAI, judge_ctx: Ctx, tmp_path: Path
) -> None:
    run = make_run(tmp_path)
    fake_openai.batch_fail_ids = {
        f"ja-vg-vqa-500:judge_1to5:id:with:colons:{i}:0" for i in range(2)
    }
    fake_openai.batch_expire = True  # and only half of the lines are done before expiry
    _, summary = score_run(run, judge_ctx(batch=True, runs=1, batch_poll_s=0.0))
    assert summary.n == 6 and summary.unscored == 0
    assert fake_openai.chat_count == 5  # 2 failed + 3 never processed, re-sent online
    assert fake_openai.counts["batch_line"] == 1


def _oracle_run(tmp_path: Path, srv: FakeOpenAI, *extra: str) -> tuple[Any, Path]:
    from tests.conftest import cli_env, run_cli
    from tests.tasks import synthetic

    synthetic.BUILDERS["ja-vg-vqa-500"](tmp_path / "data")
    env = cli_env(
        EVAL_MM_DATA_DIR=str(tmp_path / "data"),
        OPENAI_API_KEY="sk-test",
        EVAL_MM_CACHE=str(tmp_path / "cache"),
    )
    out = tmp_path / "results"
    proc = run_cli(
        "run", "--model", "oracle", "--task", "ja-vg-vqa-500", "-o", str(out), "--limit", "4",
        "--judge-base-url", srv.base_url, "--judge-batch", "--judge-runs", "1",
        "--no-progress", "--no-save-images", *extra, env=env,
    )  # fmt: skip
    return proc, out


def test_an_endpoint_without_the_batch_api_stops_before_generation(tmp_path: Path) -> None:
    with FakeOpenAI(batch_api=False) as srv:
        proc, out = _oracle_run(tmp_path, srv)
        assert srv.chat_count == 0
    assert proc.returncode == 2, proc.stderr
    assert "has no Batch API" in proc.stderr and "drop --judge-batch" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not list(out.rglob("predictions.jsonl"))  # nothing was generated


def test_a_failed_batch_leaves_a_consistent_card(tmp_path: Path) -> None:
    with FakeOpenAI() as srv:
        srv.batch_fail_all = True
        proc, out = _oracle_run(tmp_path, srv, "--metrics", "judge_1to5")
        assert srv.chat_count == 0  # nothing was sent online at full price
    assert proc.returncode == 2 and "injected batch failure" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    (card_path,) = out.rglob("run.json")
    card = json.loads(card_path.read_text())
    assert card["status"] == "stopped" and "judge batch" in card["problems"][0]
    run = card_path.parent
    assert not [p for p in (run / "scores").rglob("*.jsonl") if p.read_text().strip()]
    state = json.loads((run / STATE_FILE).read_text())
    assert state["stopped"][0]["batches"][0]["status"] == "failed"
