"""The judge engine: one client, one bounded concurrency pool, one pacer and one cache,
shared by every judge metric of an invocation (`ctx.resources["judge_engine"]`).

Requests run on a background asyncio loop owned by the engine, so synchronous scorers can
submit a whole chunk at once. The official `openai` package does the HTTP; its own retries
are off so that ours (retry-after, exponential back-off with jitter, attempt cap) apply.
"""

from __future__ import annotations

import asyncio
import random
import sys
import threading
from collections.abc import Coroutine, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from eval_mm.failures import FatalError, classify, fatal_error
from eval_mm.judges.cache import JudgeCache
from eval_mm.judges.ledger import Ledger
from eval_mm.judges.pacing import Pacer, retry_after_seconds
from eval_mm.judges.settings import JudgeSettings
from eval_mm.redact import redact_text

T = TypeVar("T")
RESOURCE_KEY = "judge_engine"


@dataclass(frozen=True)
class JudgeRequest:
    key: str  # cache key (judges.cache.cache_key)
    messages: list[dict[str, str]]
    seed: int
    n: int = 1
    label: str = ""  # "task:metric:sample:run", the batch custom_id


@dataclass
class JudgeReply:
    """The outcome of one request: `texts` has one entry per choice when `status == "ok"`."""

    status: str  # ok | judge_error
    texts: list[str] = field(default_factory=list)
    usage: dict[str, int] | None = None
    model: str | None = None  # the model the API says answered
    response_id: str | None = None
    system_fingerprint: str | None = None
    created: int | None = None
    finish_reasons: list[str | None] = field(default_factory=list)
    attempts: int = 0
    error: str | None = None
    error_kind: str | None = None  # transient (a rerun asks again) | permanent
    cached: bool = False
    cost_usd: float | None = None
    batch: dict[str, Any] | None = None

    def to_cache(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("cached")
        return d

    @staticmethod
    def from_cache(d: dict[str, Any]) -> JudgeReply:
        known = set(JudgeReply.__dataclass_fields__)
        return JudgeReply(**{k: v for k, v in d.items() if k in known}, cached=True)


def _short(exc: BaseException) -> str:
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
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._client: Any = None
        self._sem: asyncio.Semaphore | None = None
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
        s = self.settings
        if s.provider == "azure":
            return {
                "azure_endpoint": s.base_url,
                "api_key": s.api_key,
                "api_version": s.api_version,
                "max_retries": 0,
            }
        return {"base_url": s.base_url, "api_key": s.api_key, "max_retries": 0}

    def sync_client(self) -> Any:
        import openai

        cls = openai.AzureOpenAI if self.settings.provider == "azure" else openai.OpenAI
        return cls(**self.client_kwargs())

    def _async_client(self) -> Any:
        if self._client is None:
            import openai

            cls = (
                openai.AsyncAzureOpenAI if self.settings.provider == "azure" else openai.AsyncOpenAI
            )
            self._client = cls(**self.client_kwargs())
            self._sem = asyncio.Semaphore(self.settings.concurrency)
            self._pacer = Pacer()
        return self._client

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
        """Replies in request order; cached ones cost nothing, equal keys are sent once."""
        replies: dict[str, JudgeReply] = {}
        todo: dict[str, JudgeRequest] = {}
        hits = reused = 0
        for req in requests:
            if req.key in replies or req.key in todo:
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
            replies.update(zip(todo, fresh, strict=True))
        return [replies[r.key] for r in requests]

    async def _send_all(self, reqs: list[JudgeRequest], ledger: Ledger | None) -> list[JudgeReply]:
        self._async_client()
        return list(await asyncio.gather(*(self._send(r, ledger) for r in reqs)))

    def _params(self, req: JudgeRequest) -> dict[str, Any]:
        s = self.settings
        params: dict[str, Any] = {
            "model": s.model,
            "messages": req.messages,
            "temperature": s.temperature,
            "max_tokens": s.max_tokens,
            "seed": req.seed,
        }
        if req.n != 1:
            params["n"] = req.n
        return params

    def record_paid(self, reply: JudgeReply, ledger: Ledger | None, batch: bool = False) -> None:
        reply.cost_usd = self.total.add_usage(reply.usage, batch)
        if ledger is not None:
            ledger.add_usage(reply.usage, batch)

    def record_failure(self, ledger: Ledger | None) -> None:
        self.total.add_failure()
        if ledger is not None:
            ledger.add_failure()

    def _backoff(self, attempt: int) -> float:
        s = self.settings
        ceiling = min(s.backoff_cap_s, s.backoff_base_s * 2 ** (attempt - 1))
        return float(ceiling / 2 + random.uniform(0, ceiling / 2))  # "equal jitter"

    async def _send(self, req: JudgeRequest, ledger: Ledger | None) -> JudgeReply:
        import openai

        s = self.settings
        assert self._sem is not None and self._pacer is not None
        error = "not sent"
        for attempt in range(1, s.max_attempts + 1):
            if self._fatal is not None:  # another request found a fatal error: send no more
                raise self._fatal
            wait: float | None = None
            await self._pacer.acquire()
            try:
                async with self._sem:
                    if self._fatal is not None:
                        raise self._fatal
                    # httpx enforces the per-request timeout (connect, read, write, pool)
                    raw = await self._client.chat.completions.with_raw_response.create(
                        **self._params(req), timeout=s.timeout_s
                    )
                    self._pacer.observe(raw.headers)
                    completion = raw.parse()
                reply = self._to_reply(completion, attempt)
            except openai.APIStatusError as exc:
                error = _short(exc)
                status = exc.status_code
                headers = exc.response.headers if exc.response is not None else None
                if headers is not None:
                    self._pacer.observe(headers)
                wait = retry_after_seconds(headers)
                if status == 429 and wait is not None:
                    self._pacer.pause(wait)  # every request waits, not only this one
                kind = classify(exc)
                if kind == "fatal":
                    self._fatal = fatal_error(exc, f"judge {s.model}")
                    raise self._fatal from None
                if kind == "permanent":
                    self.record_failure(ledger)
                    return JudgeReply(
                        "judge_error", attempts=attempt, error=error, error_kind="permanent"
                    )
            except openai.APITimeoutError as exc:
                error = f"timeout after {s.timeout_s}s ({type(exc).__name__})"
            except (
                openai.APIConnectionError,
                openai.APIResponseValidationError,
                ValueError,
                KeyError,
                TypeError,
                AttributeError,
            ) as exc:
                error = _short(exc)  # includes 200 replies that are not a chat completion
            else:
                self.record_paid(reply, ledger)
                self.cache.put(req.key, reply.to_cache())
                return reply
            self.record_failure(ledger)
            if attempt < s.max_attempts:
                delay = self._backoff(attempt) if wait is None else wait * random.uniform(1.0, 1.1)
                await asyncio.sleep(delay)
        return JudgeReply(
            "judge_error", attempts=s.max_attempts, error=error, error_kind="transient"
        )

    @staticmethod
    def _to_reply(completion: Any, attempt: int) -> JudgeReply:
        if isinstance(completion, (str, bytes)) or not getattr(completion, "choices", None):
            raise ValueError("reply is not a chat completion")
        usage = completion.usage.model_dump() if completion.usage is not None else None
        if usage:
            usage = {k: v for k, v in usage.items() if isinstance(v, int)}
        return JudgeReply(
            "ok",
            texts=[c.message.content or "" for c in completion.choices],
            usage=usage,
            model=completion.model,
            response_id=completion.id,
            system_fingerprint=completion.system_fingerprint,
            created=completion.created,
            finish_reasons=[c.finish_reason for c in completion.choices],
            attempts=attempt,
        )


def engine_for(resources: dict[str, Any], options: dict[str, Any] | None) -> JudgeEngine:
    """The invocation's shared engine, created on first use."""
    engine = resources.get(RESOURCE_KEY)
    if engine is None:
        engine = JudgeEngine(JudgeSettings.from_options(options))
        resources[RESOURCE_KEY] = engine
    return engine
