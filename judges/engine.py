"""The judge engine: one client, one pacer (token bucket + in-flight limit) and one cache,
shared by every judge metric of an invocation (`ctx.resources["judge_engine"]`).

Requests run on a background asyncio loop owned by the engine, so synchronous scorers can
submit a whole chunk at once. The official `openai` package does the HTTP; its own retries
are off so that ours apply: 429s are waited out (shared pause, slower rate) without using
an attempt; 5xx, timeouts and broken replies use attempts with jittered exponential
back-off; authentication, permission, unknown-model and exhausted-quota errors are fatal
and stop the invocation. A request that failed is remembered for the rest of the
invocation (never sent twice), but never cached: a rerun tries again.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import sys
import threading
import time
from collections.abc import Coroutine, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from eval_mm.failures import FatalError, classify, fatal_error
from eval_mm.judges.cache import JudgeCache
from eval_mm.judges.endpoint import ask_server, http_response_type
from eval_mm.judges.ledger import Ledger
from eval_mm.judges.pacing import Pacer, retry_after_seconds
from eval_mm.judges.reply import JudgeReply as JudgeReply  # re-exported: callers import here
from eval_mm.judges.reply import JudgeRequest as JudgeRequest
from eval_mm.judges.reply import reply_from_body
from eval_mm.judges.settings import JudgeSettings
from eval_mm.redact import redact_text

T = TypeVar("T")
RESOURCE_KEY = "judge_engine"
_SECRET = re.compile(r"\b(sk-[A-Za-z0-9_*\-]{4,}|[A-Fa-f0-9]{32,})\b")


def redact(text: str) -> str:
    """API error messages may quote (part of) a key: never let one reach a record."""
    return _SECRET.sub("[redacted]", text)


def short_error(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()
    # Redacted before it is cut: a server may quote the key, and half a key is not recognised.
    return redact_text(f"{type(exc).__name__}: {msg[0] if msg else ''}")[:300]


class JudgeEngine:
    def __init__(self, settings: JudgeSettings) -> None:
        settings.check_key()
        self.settings = settings
        self.cache = JudgeCache(settings.cache_dir)
        self.total = Ledger(settings.model, settings.prices)
        self.ledgers: dict[str, Ledger] = {}  # per run folder
        self.ledger_history: dict[str, list[dict[str, Any]]] = {}  # earlier invocations, per run
        self.batched: set[tuple[str, str]] = set()  # (run folder, metric) already batch-prefetched
        self._delivered: set[str] = set()  # request keys already answered in this invocation
        self._failed: dict[str, JudgeReply] = {}  # failures of this invocation, by key
        self.fatal: FatalError | None = None  # a rejected key etc.: nothing more is sent
        self._server_info: dict[str, Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._client: Any = None
        self._pacer: Pacer | None = None
        self._closed = False
        self._fatal: FatalError | None = None

    # ---- plumbing ----------------------------------------------------------------
    def ledger_for(self, run_dir: Path | None) -> Ledger:
        key = str(run_dir) if run_dir else ""
        if key not in self.ledgers:
            self.ledgers[key] = Ledger(self.settings.model, self.settings.prices)
        return self.ledgers[key]

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(
                target=self._loop.run_forever, name="judge-loop", daemon=True
            )
            self._thread.start()
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def client_kwargs(self) -> dict[str, Any]:
        return self.kwargs_for(self.settings)

    @staticmethod
    def kwargs_for(s: JudgeSettings) -> dict[str, Any]:
        if s.provider == "azure":
            return {
                "azure_endpoint": s.base_url,
                "api_key": s.api_key,
                "api_version": s.api_version,
                "max_retries": 0,
            }
        return {"base_url": s.base_url, "api_key": s.api_key, "max_retries": 0}

    def sync_client(self) -> Any:
        return self.make_sync_client(self.settings)

    @staticmethod
    def make_sync_client(settings: JudgeSettings) -> Any:
        import openai

        settings.check_key()
        cls = openai.AzureOpenAI if settings.provider == "azure" else openai.OpenAI
        return cls(**JudgeEngine.kwargs_for(settings))

    def _async_client(self) -> Any:
        if self._client is None:
            import openai

            s = self.settings
            cls = openai.AsyncAzureOpenAI if s.provider == "azure" else openai.AsyncOpenAI
            self._client = cls(**self.client_kwargs())
            host = s.host or ("api.openai.com" if s.provider == "openai" else None)
            self._pacer = Pacer(s.rps, host, s.concurrency)
        return self._client

    def server_info(self) -> dict[str, Any] | None:
        """What an OpenAI-compatible server says about itself, asked once: vLLM's version
        (`/version`) and the served model's root (path or hub id) and context length
        (`/v1/models`). None when it says nothing; never an error."""
        s = self.settings
        if self._server_info is None:
            self._server_info = {}
            if s.provider == "compatible" and s.base_url:
                self._server_info = ask_server(s.base_url.rstrip("/"), s.model, s.api_key)
        return self._server_info or None

    @property
    def pacing(self) -> dict[str, Any] | None:
        return self._pacer.state() if self._pacer is not None else None

    def close(self) -> None:
        if not self._closed and (
            self.total.requests
            or self.total.cache_hits
            or self.total.reused
            or self.total.failed_attempts
        ):
            print(self.total.line(), file=sys.stderr)  # the invocation's judge bill
        self._closed = True
        if self._loop is None:
            return
        if self._client is not None:
            self._run(self._client.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread:
            self._thread.join(timeout=5)
        self._loop.close()
        self._loop = None
        self._client = None

    # ---- judging -----------------------------------------------------------------
    def judge(
        self, requests: Sequence[JudgeRequest], ledger: Ledger | None = None
    ) -> list[JudgeReply]:
        """Replies in request order; cached ones cost nothing, equal keys are sent once, and
        a key that failed earlier in this invocation is not sent again. A fatal error
        (rejected key, unknown model, no quota) raises FatalError; nothing more is sent."""
        self.raise_if_fatal()
        replies: dict[str, JudgeReply] = {}
        todo: dict[str, JudgeRequest] = {}
        hits = reused = 0
        for req in requests:
            if req.key in replies or req.key in todo:
                reused += 1
                continue
            if req.key in self._failed:
                replies[req.key] = self._failed[req.key]
                reused += 1
                continue
            hit = self.cache.get(req.key)
            if hit is None:
                todo[req.key] = req
                continue
            replies[req.key] = JudgeReply.from_cache(hit)
            if req.key in self._delivered:
                reused += 1  # e.g. the legacy metric reading the strict one's replies
            elif req.key not in self.cache.written:
                hits += 1  # a batch reply paid for in this invocation is not a hit
        self._delivered.update(r.key for r in requests)
        for ldg in (self.total, ledger):
            if ldg is not None:
                ldg.add_hit(hits)
                ldg.add_reused(reused)
        if todo:
            fresh = self._run(self._send_all(list(todo.values()), ledger))
            for key, reply in zip(todo, fresh, strict=True):
                replies[key] = reply
                if reply.status != "ok":
                    self._failed[key] = replace(reply, cached=False)
        self.raise_if_fatal()
        return [replies[r.key] for r in requests]

    def raise_if_fatal(self) -> None:
        """Stop the invocation (FatalError, exit 2) after an error no retry fixes: the
        replies of this call are not returned, so nothing judged that way is stored."""
        if self.fatal is not None:
            raise self.fatal

    async def _send_all(self, reqs: list[JudgeRequest], ledger: Ledger | None) -> list[JudgeReply]:
        self._async_client()
        return list(await asyncio.gather(*(self._send(r, ledger) for r in reqs)))

    def _params(self, req: JudgeRequest) -> dict[str, Any]:
        s = self.settings
        params: dict[str, Any] = {
            "model": s.model,
            "messages": req.messages,
            "temperature": s.temperature,
            s.token_param: s.max_tokens,
            "seed": req.seed,
        }
        if s.reasoning_effort is not None:
            params["reasoning_effort"] = s.reasoning_effort
        if req.n != 1:
            params["n"] = req.n
        return params

    def record_paid(self, reply: JudgeReply, ledger: Ledger | None, batch: bool = False) -> None:
        reply.cost_usd = self.total.add_usage(reply.usage, batch)
        if ledger is not None:
            ledger.add_usage(reply.usage, batch)

    def record_failure(self, ledger: Ledger | None, rate_limited: bool = False) -> None:
        for ldg in (self.total, ledger):
            if ldg is None:
                continue
            if rate_limited:
                ldg.add_rate_limited()
            else:
                ldg.add_failure()

    def _backoff(self, attempt: int) -> float:
        s = self.settings
        ceiling = min(s.backoff_cap_s, s.backoff_base_s * 2 ** (attempt - 1))
        return float(ceiling / 2 + random.uniform(0, ceiling / 2))  # "equal jitter"

    async def _once(self, req: JudgeRequest, attempt: int) -> tuple[str, Any, float | None]:
        """One HTTP request: ("ok", reply, None), ("throttled", error, retry-after),
        ("retry", error, retry-after), ("fail", error, None), ("fatal", error, None), or
        ("skip", error, None) when an earlier fatal error means it is not sent."""
        import openai

        s = self.settings
        pacer = self._pacer
        assert pacer is not None
        async with pacer.in_flight:
            await pacer.acquire()
            if self.fatal is not None:  # found while this one waited: do not send it
                return "skip", str(self.fatal), None
            t0 = time.monotonic()
            try:
                # The SDK's documented raw call (its "undocumented endpoints" path): the body
                # as we built it, the reply as JSON, no typed models either way (about half
                # the client CPU per request); httpx enforces the per-request timeout.
                raw = await self._client.post(
                    "/chat/completions",
                    cast_to=http_response_type(),
                    body=self._params(req),
                    options={"timeout": s.timeout_s},
                )
                pacer.observe(raw.headers)
                reply = reply_from_body(json.loads(raw.text), attempt)  # as batch lines
            except openai.APIStatusError as exc:
                headers = exc.response.headers if exc.response is not None else None
                if headers is not None:
                    pacer.observe(headers)
                wait = retry_after_seconds(headers)
                kind = classify(exc)  # eval_mm.failures: one classification for every call
                if kind == "fatal":
                    self.fatal = self.fatal or fatal_error(exc, f"judge {s.model}")
                    pacer.stop()
                    return "fatal", str(self.fatal), None
                if exc.status_code == 429:
                    return "throttled", short_error(exc), wait
                if kind == "transient":
                    return "retry", short_error(exc), wait
                return "fail", short_error(exc), None  # this request is wrong, not the server
            except openai.APITimeoutError as exc:
                return "retry", f"timeout after {s.timeout_s}s ({type(exc).__name__})", None
            except (
                openai.APIConnectionError,
                openai.APIResponseValidationError,
                ValueError,
                KeyError,
                TypeError,
                AttributeError,
            ) as exc:
                return "retry", short_error(exc), None  # includes 200s that are not a completion
            await pacer.on_success(time.monotonic() - t0)
            return "ok", reply, None

    async def _send(self, req: JudgeRequest, ledger: Ledger | None) -> JudgeReply:
        s = self.settings
        pacer = self._pacer
        assert pacer is not None
        attempt, throttled, waited = 1, 0, 0.0
        while True:
            kind, value, wait = await self._once(req, attempt)
            if kind == "skip":
                return JudgeReply(
                    "judge_error",
                    attempts=attempt - 1,
                    error=f"not sent: {value}",
                    error_kind="fatal",
                    fatal=True,
                )
            if kind == "ok":
                reply: JudgeReply = value
                reply.rate_limited = throttled
                self.record_paid(reply, ledger)
                self.cache.put(req.key, reply.to_cache())
                return reply
            error = str(value)
            if kind == "throttled":
                throttled += 1
                self.record_failure(ledger, rate_limited=True)
                await pacer.on_throttle(wait)
                delay = (wait if wait is not None else pacer.backoff()) * random.uniform(1.0, 1.2)
                waited += delay
                if waited > s.rate_limit_patience_s:
                    return JudgeReply(
                        "judge_error",
                        attempts=attempt - 1,
                        rate_limited=throttled,
                        error=f"rate limited for {waited:.0f}s: {error}",
                        error_kind="transient",
                    )
                await asyncio.sleep(delay)
                continue  # a 429 is not an attempt
            self.record_failure(ledger)
            if kind == "fatal":
                return JudgeReply(
                    "judge_error", attempts=attempt, error=error, error_kind="fatal", fatal=True
                )
            if kind == "fail" or attempt >= s.max_attempts:
                return JudgeReply(
                    "judge_error",
                    attempts=attempt,
                    rate_limited=throttled,
                    error=error,
                    error_kind="permanent" if kind == "fail" else "transient",
                )
            await pacer.on_error()
            delay = self._backoff(attempt) if wait is None else wait * random.uniform(1.0, 1.1)
            await asyncio.sleep(delay)
            attempt += 1


def engine_key(protocol: dict[str, Any] | None) -> str:
    """Where the engine of a metric protocol lives in an invocation's resources: metrics
    without one share the invocation's engine; each distinct protocol has its own (its
    settings differ, and so do its requests' cache keys and fingerprint)."""
    if not protocol:
        return RESOURCE_KEY
    return f"{RESOURCE_KEY}:{json.dumps(protocol, sort_keys=True, default=str)}"


def engine_for(
    resources: dict[str, Any],
    options: dict[str, Any] | None,
    protocol: dict[str, Any] | None = None,
) -> JudgeEngine:
    """The invocation's engine for these options and metric protocol, created on first use."""
    key = engine_key(protocol)
    engine = resources.get(key)
    if engine is None:
        engine = JudgeEngine(JudgeSettings.from_options(options, protocol))
        resources[key] = engine
    return engine
