"""Client-side pacing of judge requests, from the first request on.

- A token bucket in front of the fan-out: every request takes a token before it is sent,
  so a chunk of a thousand requests never leaves at once.
- Its rate: `--judge-rps` when given; else the provider's published limit when known
  (OpenAI tier 1, a floor every paying account has) until the `x-ratelimit-limit-*` headers
  give the account's own; else adaptive: start moderate, grow while the bucket is the
  bottleneck and no 429 comes, halve on a 429, ease off when `x-ratelimit-remaining-*`
  runs out or the server errors.
- Requests in flight: a fixed `--judge-concurrency`, or sized from rate x measured latency
  (Little's law) with 25 % headroom, so a 1 s endpoint at 60 req/s gets ~75 in flight, not 10.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections.abc import Mapping

SAFETY = 0.97  # pace slightly under an advertised limit: our clock is not the server's
PUBLISHED_RPM = {"api.openai.com": 500}  # judge.md §6: tier 1, gpt-4o family
START_RPS = 10.0  # unknown endpoint, no limit known: start moderate
MAX_RPS = 2000.0
MIN_RPS = 0.1
BURST_S = 0.1  # bucket depth in seconds of rate: evens out a late event loop, no more
GROW_EVERY_S = 1.0
GROW_FAST, GROW_SLOW = 1.5, 1.1  # before / after the first 429
MAX_AUTO_CONCURRENCY = 512
HEADROOM = 1.25  # in-flight limit = rate x latency x HEADROOM + 4
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str | None) -> float | None:
    """OpenAI reset durations such as `1s`, `6m0s`, `20ms`, `0.5s`; plain numbers are seconds."""
    if not text:
        return None
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    parts = _DURATION.findall(text)
    return sum(float(v) * _UNIT[u] for v, u in parts) if parts else None


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    if not headers:
        return None
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return float(ms) / 1000.0
        except ValueError:
            pass
    return parse_duration(headers.get("retry-after"))


def _int(headers: Mapping[str, str], name: str) -> int | None:
    try:
        return int(float(headers[name]))
    except (KeyError, ValueError):
        return None


class InFlight:
    """An async semaphore whose limit can change while requests wait."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self.active = 0
        self.peak = 0
        self._cond = asyncio.Condition()

    async def __aenter__(self) -> None:
        async with self._cond:
            await self._cond.wait_for(lambda: self.active < self.limit)
            self.active += 1
            self.peak = max(self.peak, self.active)

    async def __aexit__(self, *exc: object) -> None:
        async with self._cond:
            self.active -= 1
            self._cond.notify()

    async def set_limit(self, limit: int) -> None:
        limit = max(1, limit)
        if limit == self.limit:
            return
        async with self._cond:
            grew = limit > self.limit
            self.limit = limit
            if grew:
                self._cond.notify_all()


class Pacer:
    """Request rate (token bucket) and in-flight limit of one judge endpoint."""

    def __init__(
        self,
        rps: float | None = None,
        host: str | None = None,
        concurrency: int | None = None,
        max_concurrency: int = MAX_AUTO_CONCURRENCY,
    ) -> None:
        published = PUBLISHED_RPM.get(host) if host else None
        if rps is not None:
            self.mode, self.ceiling = "fixed", float(rps)  # the user's rate: never above it
        elif published is not None:
            self.mode, self.ceiling = "published", published / 60.0 * SAFETY
        else:
            self.mode, self.ceiling = "adaptive", MAX_RPS
        self.rate = self.ceiling if self.mode != "adaptive" else START_RPS
        self.fixed_concurrency = concurrency
        self.max_concurrency = max_concurrency
        self.latency: float | None = None  # EWMA of successful request latency, seconds
        self.min_latency: float | None = None
        self.throttles = 0  # 429s seen
        self._throttled_once = False
        self._tokens = 1.0  # one request may go at once; the rest are paced
        self._extra = 0.0  # one-off allowance when a limit is learned (see observe)
        self._t = time.monotonic()
        self._pause_until = 0.0
        self._last_change = time.monotonic()
        self._saturated = False  # someone waited for a token since the last change
        self._stopped = False  # nothing more will be sent: waiters go without a token
        self._lock = asyncio.Lock()
        self.in_flight = InFlight(self._limit())

    # ---- concurrency -----------------------------------------------------------------
    def _limit(self) -> int:
        if self.fixed_concurrency is not None:
            return self.fixed_concurrency
        latency = self.latency if self.latency is not None else 2.0  # until measured
        # Headroom for latency spread; not more: every connection in the HTTP pool costs
        # client CPU on every request (httpcore scans the pool).
        need = self.rate * latency * HEADROOM + 4
        return int(min(self.max_concurrency, max(4, math.ceil(need))))

    async def _resize(self) -> None:
        await self.in_flight.set_limit(self._limit())

    # ---- feedback ----------------------------------------------------------------------
    def _set_rate(self, rate: float) -> None:
        self.rate = min(self.ceiling, max(MIN_RPS, rate))
        self._last_change = time.monotonic()
        self._saturated = False

    async def on_success(self, latency: float) -> None:
        self.latency = latency if self.latency is None else 0.8 * self.latency + 0.2 * latency
        self.min_latency = latency if self.min_latency is None else min(self.min_latency, latency)
        now = time.monotonic()
        congested = self.latency > 3.0 * self.min_latency + 0.05  # the server queues: hold
        if (
            self.rate < self.ceiling
            and self._saturated
            and not congested
            and now - self._last_change >= GROW_EVERY_S
        ):
            self._set_rate(self.rate * (GROW_SLOW if self._throttled_once else GROW_FAST))
        await self._resize()

    async def on_throttle(self, retry_after: float | None) -> None:
        """A 429: every request waits out `retry-after`; the rate halves (once per second,
        as the 429s of one burst arrive together)."""
        self.throttles += 1
        self._throttled_once = True
        if retry_after is not None:
            self.pause(retry_after)
        if time.monotonic() - self._last_change >= min(1.0, 2.0 / max(self.rate, 1e-9)):
            self._set_rate(self.rate * 0.5)
        await self._resize()

    async def on_error(self) -> None:
        """5xx or timeout: maybe an overloaded server; ease off a little."""
        if time.monotonic() - self._last_change >= 1.0:
            self._set_rate(self.rate * 0.8)
        await self._resize()

    def pause(self, seconds: float) -> None:
        self._pause_until = max(self._pause_until, time.monotonic() + seconds)

    def backoff(self) -> float:
        """How long a 429 without `retry-after` waits: about two requests' spacing."""
        return min(5.0, max(0.05, 2.0 / self.rate))

    def observe(self, headers: Mapping[str, str]) -> None:
        """Rate-limit headers of any reply: learn the limit, slow down near exhaustion."""
        for kind in ("requests", "tokens"):
            lim = _int(headers, f"x-ratelimit-limit-{kind}")
            remaining = _int(headers, f"x-ratelimit-remaining-{kind}")
            if kind == "requests" and lim and lim > 0 and self.mode != "fixed":
                learned = lim / 60.0 * SAFETY  # OpenAI's request limit is per minute
                if self.mode != "learned" or learned != self.ceiling:
                    self.mode, self.ceiling = "learned", learned
                    self._set_rate(learned)
                    if remaining:  # what the start rate left unused, up to a second of it
                        self._extra = min(remaining / 2, learned)
            reset = parse_duration(headers.get(f"x-ratelimit-reset-{kind}"))
            if remaining is None or reset is None or remaining > 0:
                continue
            if kind == "requests" and self.mode in ("learned", "fixed"):
                continue  # the bucket already paces a known request limit
            # Exhausted: wait for about one request's worth of refill, not the whole window,
            # and send a little slower from now on.
            share = 1.0 / max(1, lim or 1) if kind == "requests" else 0.05
            self.pause(reset * share)
            if time.monotonic() - self._last_change >= 1.0:
                self._set_rate(self.rate * 0.9)

    # ---- the bucket --------------------------------------------------------------------
    def stop(self) -> None:
        """Release every waiter at once (after a fatal error nothing is sent)."""
        self._stopped = True

    async def acquire(self) -> None:
        async with self._lock:  # one waiter at a time keeps the spacing even
            while not self._stopped:
                now = time.monotonic()
                if now < self._pause_until:
                    await asyncio.sleep(self._pause_until - now)
                    continue
                if self._extra >= 1.0:
                    self._extra -= 1.0
                    return
                cap = max(1.0, self.rate * BURST_S)
                self._tokens = min(cap, self._tokens + (now - self._t) * self.rate)
                self._t = now
                if self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return
                self._saturated = True
                await asyncio.sleep((1.0 - self._tokens) / self.rate)

    def state(self) -> dict[str, float | int | str | None]:
        """For the run card and the benchmark: where pacing ended up."""
        return {
            "mode": self.mode,
            "rps": round(self.rate, 3),
            "ceiling_rps": round(self.ceiling, 3) if self.mode != "adaptive" else None,
            "in_flight_limit": self.in_flight.limit,
            "peak_in_flight": self.in_flight.peak,
            "latency_s": round(self.latency, 3) if self.latency is not None else None,
            "rate_limited": self.throttles,
        }
