"""`eval-mm score` with judge metrics in a subprocess: key preflight, --no-judge, run card,
stored ledger, cached rerun, and no API key in any file the run writes."""

from __future__ import annotations

import json
from pathlib import Path

from eval_mm.store import read_scores
from tests.conftest import cli_env, run_cli
from tests.judge.conftest import SECRET, heron_samples, write_run
from tests.support.openai_server import FakeOpenAI


def heron_run(tmp_path: Path) -> Path:
    samples = heron_samples(["conv", "detail", "complex"])
    return write_run(
        tmp_path / "results" / "m" / "japanese-heron-bench" / "cfg",
        "japanese-heron-bench",
        samples,
        ["a", "b", "c"],
    )


def all_text(*roots: Path) -> str:
    return "".join(
        p.read_text(encoding="utf-8", errors="replace")
        for root in roots
        for p in root.rglob("*")
        if p.is_file()
    )


def test_missing_key_stops_before_scoring_and_no_judge_skips(tmp_path: Path) -> None:
    run = heron_run(tmp_path)
    proc = run_cli("score", str(run), cwd=tmp_path)
    assert (
        proc.returncode == 2 and "OPENAI_API_KEY" in proc.stderr and "Traceback" not in proc.stderr
    )
    assert not (run / "scores").exists()
    skipped = run_cli("score", str(run), "--no-judge", cwd=tmp_path)
    assert skipped.returncode == 0, skipped.stderr
    assert "heron_rel" in skipped.stderr  # the note says what was skipped


def test_judged_scoring_records_the_judge_and_never_writes_the_key(tmp_path: Path) -> None:
    run = heron_run(tmp_path)
    cache = tmp_path / "cache"
    with FakeOpenAI() as srv:
        srv.default_reply = '{"score_gpt": 8, "score": 6}'
        env = cli_env(OPENAI_API_KEY=SECRET, OPENAI_BASE_URL=srv.base_url)
        args = (
            "score",
            str(run),
            "--judge-cache",
            str(cache),
            "--judge-runs",
            "2",
            "--judge-concurrency",
            "3",
        )
        proc = run_cli(*args, cwd=tmp_path, env=env)
        assert proc.returncode == 0, proc.stderr
        assert srv.chat_count == 6  # 3 items x 2 runs; the legacy metric reuses the replies
        assert all(r["headers"].get("authorization") == f"Bearer {SECRET}" for r in srv.requests)
        rerun = run_cli(*args, "--rescore", cwd=tmp_path, env=env)
        assert rerun.returncode == 0, rerun.stderr
        assert srv.chat_count == 6  # cached: no request at all
    assert "6 requests" in proc.stderr and "0 requests" in rerun.stderr
    summary = json.loads((run / "summary.json").read_text())
    assert summary["metrics"]["heron_rel"]["value"] == 75.0
    assert summary["metrics"]["heron_rel"]["extra"]["per_run"] == [75.0, 75.0]
    card = json.loads((run / "run.json").read_text())
    judge = card["judge"]
    assert judge["model"] == "gpt-4o-2024-11-20" and judge["seeds"] == [0, 1]
    assert judge["prompts"]["heron_rel"]["version"] == "heron_llmjp_v2"
    assert judge["prompts"]["heron_rel"]["sha256_user"].startswith("a83810173a2a")
    ledger = json.loads((run / "judge_ledger.json").read_text())
    first, second = ledger["invocations"]
    assert first["requests"] == 6 and second["requests"] == 0 and second["cache_hits"] == 6
    # a fresh cache: the legacy metric shares the strict one's replies, no cache hit
    assert first["cache_hits"] == 0 and first["reused"] == 6 and second["reused"] == 6
    assert "0 cache hits" in proc.stderr and "6 cache hits" in rerun.stderr
    assert ledger["requests"] == 6 and ledger["total_tokens"] == first["total_tokens"] > 0
    records = list(read_scores(run, "heron_rel").values())
    assert records[0]["details"]["runs"][0]["reply"] == '{"score_gpt": 8, "score": 6}'
    written = all_text(run, cache)
    assert SECRET not in written and "DO-NOT-LEAK" not in written
