"""Pacing of judge requests: a token bucket from the first request, a rate that starts from
what is known and adapts, 429s waited out, concurrency sized from rate x latency. Small
numbers and short latencies; every bound holds with room on a loaded machine and fails
if the behaviour breaks (unpaced fan-out, fixed concurrency of 10)."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

import pytest

from eval_mm.judges import pacing
from eval_mm.judges.pacing import Pacer
from tests.judge.test_engine import engine, req
from tests.support.openai_server import FakeOpenAI


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(pacing.time, "monotonic", c)
    return c


def test_the_pacer_holds_from_the_first_request(tmp_path: Path) -> None:
    # 20 req/s with a burst of 5, and no limit headers: the client cannot learn the limit,
    # so only its own start rate protects the first requests. An unpaced fan-out of 40
    # requests would see about 35 refusals here.
    with FakeOpenAI(rate_limit=20, burst=5, rate_headers=False, latency=0.02) as srv:
        eng = engine(srv, tmp_path)
        replies = eng.judge([req(f"q{i}") for i in range(40)])
        eng.close()
        assert all(r.status == "ok" and r.attempts == 1 for r in replies)
        assert srv.counts["429"] <= 3, srv.counts
        assert eng.total.failed_attempts == 0


def test_a_known_limit_is_paced_without_429s_and_429s_cost_no_attempts(tmp_path: Path) -> None:
    with FakeOpenAI(rate_limit=30, burst=3, latency=0.05) as srv:
        eng = engine(srv, tmp_path, max_attempts=1)  # a 429 taking an attempt would fail
        replies = eng.judge([req(f"q{i}") for i in range(45)])
        eng.close()
        assert all(r.status == "ok" for r in replies)
        assert srv.counts["429"] <= 3, srv.counts
        assert eng.pacing is not None and eng.pacing["ceiling_rps"] == pytest.approx(
            30 * pacing.SAFETY
        )


def test_concurrency_is_sized_from_rate_and_latency(tmp_path: Path) -> None:
    # 100 req/s at 0.3 s latency needs about 30 requests in flight (a fixed 10 would cap
    # the rate at 33 req/s).
    with FakeOpenAI(latency=0.3) as srv:
        eng = engine(srv, tmp_path, rps=100.0)
        replies = eng.judge([req(f"q{i}") for i in range(90)])
        eng.close()
        assert all(r.status == "ok" for r in replies)
        assert srv.max_in_flight >= 16, srv.max_in_flight
        assert eng.pacing is not None and eng.pacing["in_flight_limit"] >= 30 * pacing.HEADROOM


def test_start_rates_published_learned_and_fixed(clock: Clock) -> None:
    async def main() -> None:
        openai_ = Pacer(host="api.openai.com")
        assert openai_.mode == "published" and openai_.rate == pytest.approx(
            500 / 60 * pacing.SAFETY
        )
        openai_.observe({"x-ratelimit-limit-requests": "10000"})  # the account's own tier
        assert openai_.mode == "learned" and openai_.rate == pytest.approx(
            10000 / 60 * pacing.SAFETY
        )
        local = Pacer(host="127.0.0.1")
        assert local.mode == "adaptive" and local.rate == pacing.START_RPS
        fixed = Pacer(rps=5.0, host="api.openai.com")
        fixed.observe({"x-ratelimit-limit-requests": "6000"})
        assert fixed.mode == "fixed" and fixed.rate == 5.0  # never above the user's rate

    asyncio.run(main())


def test_adaptive_rate_grows_while_saturated_and_halves_on_429(clock: Clock) -> None:
    async def main() -> None:
        p = Pacer(host="127.0.0.1")
        await p.on_success(0.1)
        assert p.rate == pacing.START_RPS  # nobody waited for a token: no reason to grow
        clock.now += 1.5
        p._saturated = True
        await p.on_success(0.1)
        assert p.rate == pytest.approx(pacing.START_RPS * 1.5)
        clock.now += 1.5
        await p.on_throttle(0.5)
        assert p.rate == pytest.approx(pacing.START_RPS * 0.75)
        assert p._pause_until == pytest.approx(clock.now + 0.5)  # retry-after, shared
        await p.on_throttle(None)  # the same burst's 429s: one halving
        assert p.rate == pytest.approx(pacing.START_RPS * 0.75)
        clock.now += 1.5
        p._saturated = True
        await p.on_success(0.1)  # after a 429, growth is slow
        assert p.rate == pytest.approx(pacing.START_RPS * 0.75 * 1.1)
        clock.now += 1.5
        p._saturated = True
        await p.on_success(3.0)  # latency far above the fastest seen: the server queues
        assert p.rate == pytest.approx(pacing.START_RPS * 0.75 * 1.1)
        want = math.ceil(p.rate * p.latency * pacing.HEADROOM + 4)  # type: ignore[operator]
        assert p.in_flight.limit == want

    asyncio.run(main())


def test_exhausted_remaining_headers_pause_and_slow_down(clock: Clock) -> None:
    async def main() -> None:
        p = Pacer(host="127.0.0.1")
        clock.now += 2
        p.observe({"x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "2s"})
        assert p._pause_until == pytest.approx(clock.now + 0.1)
        assert p.rate == pytest.approx(pacing.START_RPS * 0.9)

    asyncio.run(main())
