"""The judge engine with the real `openai` client against a real local HTTP server:
retries, give-up, timeouts, garbage, cache, ledger, bounded concurrency."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval_mm.judges.cache import cache_key
from eval_mm.judges.engine import JudgeEngine, JudgeRequest
from eval_mm.judges.pacing import SAFETY
from eval_mm.judges.settings import JudgeSettings
from tests.support.openai_server import FakeOpenAI


def engine(srv: FakeOpenAI, tmp_path: Path, **kw: object) -> JudgeEngine:
    settings = JudgeSettings(
        base_url=srv.base_url,
        provider="compatible",
        api_key="sk-test",
        cache_dir=tmp_path / "cache",
        backoff_base_s=0.01,
        timeout_s=1.0,
    )
    for k, v in kw.items():
        setattr(settings, k, v)
    return JudgeEngine(settings)


def req(text: str, seed: int = 0, n: int = 1) -> JudgeRequest:
    msgs = [{"role": "system", "content": "sys"}, {"role": "user", "content": text}]
    return JudgeRequest(cache_key("compatible", "m", "p", msgs, 0.0, 1024, seed, n), msgs, seed, n)


def test_429_with_retry_after_and_500_are_retried(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    fake_openai.fail_next(1, status=429, retry_after=0.05)
    fake_openai.fail_next(1, status=503)
    eng = engine(fake_openai, tmp_path)
    [reply] = eng.judge([req("hello")])
    eng.close()
    # the 429 was waited out without using one of the attempts meant for errors
    assert reply.status == "ok" and reply.texts == ["3"] and reply.attempts == 2
    assert reply.rate_limited == 1 and fake_openai.chat_count == 3
    assert eng.total.failed_attempts == 1 and eng.total.rate_limited == 1
    assert eng.total.requests == 1


def test_429s_never_use_up_the_error_attempts(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    fake_openai.fail_next(6, status=429, retry_after=0.01)
    eng = engine(fake_openai, tmp_path, max_attempts=2)
    [reply] = eng.judge([req("hello")])
    eng.close()
    assert reply.status == "ok" and reply.attempts == 1 and reply.rate_limited == 6
    assert fake_openai.chat_count == 7


def test_retry_cap_gives_a_judge_error_with_the_last_message(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    fake_openai.fail_next(10, status=500)
    eng = engine(fake_openai, tmp_path, max_attempts=3)
    [reply] = eng.judge([req("hello")])
    assert reply.status == "judge_error" and reply.attempts == 3 and "500" in (reply.error or "")
    assert fake_openai.chat_count == 3
    # a failure is remembered for the rest of the invocation: never sent twice ...
    fake_openai.faults.clear()
    [same] = eng.judge([req("hello")])
    eng.close()
    assert same.status == "judge_error" and fake_openai.chat_count == 3
    assert eng.total.reused == 1
    # ... but never cached: the next invocation asks again
    fresh = engine(fake_openai, tmp_path)
    [again] = fresh.judge([req("hello")])
    fresh.close()
    assert again.status == "ok" and fake_openai.chat_count == 4


def test_client_errors_are_not_retried(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    fake_openai.fail_next(1, status=400)
    eng = engine(fake_openai, tmp_path)
    [reply] = eng.judge([req("hello")])
    eng.close()
    assert reply.status == "judge_error" and reply.attempts == 1 and fake_openai.chat_count == 1


def test_hangs_time_out_and_garbage_is_retried(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    fake_openai.hang_next(1, seconds=30)
    fake_openai.garbage_next(1)
    eng = engine(fake_openai, tmp_path, timeout_s=0.5)
    [reply] = eng.judge([req("hello")])
    eng.close()
    assert reply.status == "ok" and reply.attempts == 3 and fake_openai.chat_count == 3


def test_rerun_reads_the_disk_cache_and_sends_nothing(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    fake_openai.script("b", ["first", "second"])
    reqs = [req("a"), req("b", seed=0), req("b", seed=1), req("a")]  # the duplicate is sent once
    eng = engine(fake_openai, tmp_path)
    first = eng.judge(reqs)
    eng.close()
    assert fake_openai.chat_count == 3
    # a fresh cache has no hits: the duplicate shares the reply sent in this invocation
    assert eng.total.cache_hits == 0 and eng.total.reused == 1
    assert "0 cache hits" in eng.total.line()
    assert [r.texts[0] for r in first] == ["3", "first", "second", "3"]
    fresh = engine(fake_openai, tmp_path)  # a new process: only the disk cache is shared
    second = fresh.judge(reqs)
    fresh.close()
    assert fake_openai.chat_count == 3
    assert all(r.cached for r in second) and [r.texts for r in second] == [r.texts for r in first]
    # every lookup is a request, a hit (stored by an earlier invocation) or a reuse
    assert fresh.total.requests == 0 and fresh.total.cache_hits == 3 and fresh.total.reused == 1


def test_ledger_counts_tokens_and_cost_with_an_overridable_price(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    eng = engine(fake_openai, tmp_path, model="gpt-4o-2024-11-20")
    eng.judge([req("x" * 400)])
    usage = eng.total.to_json()
    assert usage["requests"] == 1 and usage["prompt_tokens"] == (3 + 400) // 4 + 1
    assert usage["cost_usd"] == pytest.approx(
        (usage["prompt_tokens"] * 2.5 + usage["completion_tokens"] * 10) / 1e6
    )
    eng.close()
    cheap = engine(
        fake_openai, tmp_path / "other", model="my-judge", prices={"my-judge": (1.0, 1.0)}
    )
    cheap.judge([req("y" * 400)])
    cheap.close()
    j = cheap.total.to_json()
    assert j["cost_usd"] == pytest.approx(j["total_tokens"] / 1e6)
    assert "requests" in cheap.total.line()


def test_a_given_concurrency_is_a_hard_cap(tmp_path: Path) -> None:
    with FakeOpenAI(latency=0.1) as srv:
        eng = engine(srv, tmp_path, concurrency=4, rps=1000.0)
        replies = eng.judge([req(f"q{i}") for i in range(24)])
        eng.close()
        assert all(r.status == "ok" for r in replies)
        assert srv.max_in_flight == 4


def test_rate_limit_headers_are_learned(tmp_path: Path) -> None:
    with FakeOpenAI(rate_limit=40) as srv:
        eng = engine(srv, tmp_path)
        replies = eng.judge([req(f"q{i}") for i in range(30)])
        eng.close()
        assert all(r.status == "ok" for r in replies)
        pacing = eng.pacing
        assert pacing is not None and pacing["mode"] == "learned"
        assert pacing["ceiling_rps"] == pytest.approx(40 * SAFETY)
        assert srv.counts["429"] == 0  # paced below the limit from the first request on


def test_n_mode_asks_once_for_all_choices(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    fake_openai.script("multi", ["a", "b", "c"])
    eng = engine(fake_openai, tmp_path)
    [reply] = eng.judge([req("multi", n=3)])
    eng.close()
    assert reply.texts == ["a", "b", "c"] and fake_openai.chat_count == 1
    assert fake_openai.chat_bodies()[0]["n"] == 3
