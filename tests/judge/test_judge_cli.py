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


def test_run_level_failures_are_shown_beside_item_counts(tmp_path: Path) -> None:
    run = heron_run(tmp_path)
    with FakeOpenAI() as srv:
        srv.default_reply = '{"score_gpt": 8, "score": 6}'
        srv.fail_next(2, status=400)  # two judge runs fail for good (a 400 is not retried)
        env = cli_env(OPENAI_API_KEY=SECRET, OPENAI_BASE_URL=srv.base_url)
        args = ("score", str(run), "--judge-cache", str(tmp_path / "c"), "--judge-runs", "2")
        proc = run_cli(*args, "--metrics", "heron_rel", cwd=tmp_path, env=env)
        assert proc.returncode == 0, proc.stderr
    summary = json.loads((run / "summary.json").read_text())
    assert summary["metrics"]["heron_rel"]["extra"]["run_status_counts"] == {
        "ok": 4,
        "judge_error": 2,
    }
    for out in (proc.stdout, run_cli("show", str(run), cwd=tmp_path).stdout):
        header = next(line for line in out.splitlines() if line.startswith("metric"))
        assert header.split()[-3:] == ["failed", "judge", "runs"]
        row = next(line for line in out.splitlines() if line.startswith("heron_rel"))
        assert row.endswith("2/6 judge_error 2"), out


def test_invalid_judge_options_exit_2_before_anything_runs(tmp_path: Path) -> None:
    run = heron_run(tmp_path)
    env = cli_env(OPENAI_API_KEY=SECRET)
    for flag, value, message in (
        ("--judge-runs", "0", "argument --judge-runs: must be at least 1, got 0"),
        ("--judge-temperature", "3", "argument --judge-temperature: must be at most 2, got 3"),
        ("--judge-rps", "0", "argument --judge-rps: must be above 0, got 0"),
    ):
        proc = run_cli("score", str(run), flag, value, cwd=tmp_path, env=env)
        assert proc.returncode == 2 and message in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
    assert not (run / "scores").exists()


def test_a_local_reasoning_judge_by_one_flag(tmp_path: Path) -> None:
    run = heron_run(tmp_path)
    with FakeOpenAI() as srv:
        srv.default_reply = {
            "content": '{"score_gpt": 8, "score": 4}',
            "reasoning_content": 'Maybe {"score_gpt": 2, "score": 9}? No.',
        }
        env = cli_env(EVAL_MM_CACHE=str(tmp_path / "cache"))  # no key: a local server
        proc = run_cli(
            "score", str(run), "--judge-profile", "gpt-oss-20b-local",
            "--judge-base-url", srv.base_url, "--judge-mode", "single", cwd=tmp_path, env=env,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        assert {b["reasoning_effort"] for b in srv.chat_bodies()} == {"low"}
    summary = json.loads((run / "summary.json").read_text())
    assert summary["metrics"]["heron_rel"]["value"] == 50.0  # 4/8: the reasoning is not read
    judge = json.loads((run / "run.json").read_text())["judge"]
    assert judge["model"] == "openai/gpt-oss-20b" and judge["profile"] == "gpt-oss-20b-local"
    assert judge["reasoning_effort"] == "low" and judge["token_param"] == "max_completion_tokens"
    scorer = next(c for c in json.loads((run / "run.json").read_text())["scorers"]
                  if c["id"] == "heron_rel")  # fmt: skip
    assert scorer["fingerprint"]["judge"]["profile"] == "gpt-oss-20b-local"


def test_a_rejected_key_stops_the_invocation_after_one_request(tmp_path: Path) -> None:
    samples = heron_samples(["conv", "detail", "complex"] * 10)
    run = write_run(
        tmp_path / "results" / "m" / "japanese-heron-bench" / "cfg",
        "japanese-heron-bench",
        samples,
        [f"a{i}" for i in range(len(samples))],
    )
    with FakeOpenAI() as srv:
        srv.fail_next(500, status=401)
        env = cli_env(OPENAI_API_KEY=SECRET, OPENAI_BASE_URL=srv.base_url)
        proc = run_cli(
            "score", str(run), "--judge-cache", str(tmp_path / "c"), cwd=tmp_path, env=env
        )
        sent = srv.chat_count
    assert proc.returncode == 2 and "API key was rejected" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and SECRET not in proc.stderr
    assert sent <= 3  # of 150 requests: the others were never sent
    assert not (run / "summary.json").exists()
