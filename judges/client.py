"""One chat-completions client for every API call the harness makes: the judge's
(`role="judge"`, eval_mm.judges.engine adds its cache and parsing on top) and an API model's
(`role="generation"`, eval_mm.models.openai_api).

Requests run on a background asyncio loop owned by the client, so synchronous callers can
submit a whole chunk at once. The official `openai` package does the HTTP; its own retries
are off so that ours apply: 429s are waited out (shared pause, slower rate) without using
an attempt; 5xx, timeouts and broken replies use attempts with jittered exponential
back-off; authentication, permission, unknown-model and exhausted-quota errors are fatal
and stop the invocation. Every paid reply goes to the client's ledger (tokens, cost) and to
the caller's per-run-folder ledger.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

from eval_mm.errors import UserError
from eval_mm.failures import FatalError, classify, fatal_error
from eval_mm.judges.endpoint import ask_server, http_response_type
from eval_mm.judges.ledger import Ledger
from eval_mm.judges.pacing import Pacer, retry_after_seconds
from eval_mm.judges.reply import JudgeReply, reply_from_body
from eval_mm.redact import redact_text

T = TypeVar("T")
Role = Literal["judge", "generation"]
Body = dict[str, Any]  # a chat-completions request body as sent (model, messages, ...)
OnReply = Callable[[int, JudgeReply], None]


def short_error(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()
    # Redacted before it is cut: a server may quote the key, and half a key is not recognised.
    return redact_text(f"{type(exc).__name__}: {msg[0] if msg else ''}")[:300]


@dataclass
class ClientSettings:
    """Where one OpenAI-compatible endpoint is and how hard to try; none of it changes a
    reply except `model` and the endpoint (callers put those in their fingerprints)."""

    model: str = ""
    provider: str = "openai"  # openai | azure | compatible
    base_url: str | None = None
    concurrency: int | None = None  # fixed cap on requests in flight; None: rate x latency
    rps: float | None = None  # requests per second; None: published limit or adaptive
    timeout_s: float = 120.0
    max_attempts: int = 5  # for errors (5xx, timeouts); 429s are waited out apart
    rate_limit_patience_s: float = 900.0  # give up a request after this long rate-limited
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 60.0
    prices: dict[str, tuple[float, float]] = field(default_factory=dict)
    api_version: str | None = None
    # Secrets: never written anywhere.
    api_key: str | None = field(default=None, repr=False)
    key_var: str = "OPENAI_API_KEY"

    @property
    def host(self) -> str | None:
        return urlsplit(self.base_url).hostname if self.base_url else None

    def check_key(self) -> None:
        if self.api_key:
            return
        if self.provider == "compatible":
            self.api_key = "EMPTY"  # local servers (vLLM) usually need no key
            return
        raise UserError(self.missing_key_message())

    def missing_key_message(self) -> str:
        return f"{self.model} at {self.host or 'api.openai.com'} needs {self.key_var}"


def client_kwargs(s: ClientSettings) -> dict[str, Any]:
    if s.provider == "azure":
        return {
            "azure_endpoint": s.base_url,
            "api_key": s.api_key,
            "api_version": s.api_version,
            "max_retries": 0,
        }
    return {"base_url": s.base_url, "api_key": s.api_key, "max_retries": 0}


def sync_client(settings: ClientSettings) -> Any:
    """A synchronous SDK client (the Batch API's files and batches calls)."""
    import openai

    settings.check_key()
    cls = openai.AzureOpenAI if settings.provider == "azure" else openai.OpenAI
    return cls(**client_kwargs(settings))


class ChatClient:
    """Bounded, paced, retrying chat-completion requests to one endpoint, with a ledger.

    `role` names whose requests these are in the bill line and in a fatal error's message;
    the transport is the same for both."""

    def __init__(self, settings: ClientSettings, role: Role = "judge") -> None:
        settings.check_key()
        self.settings = settings
        self.role: Role = role
        self.total = self.new_ledger()  # the whole invocation
        self.fatal: FatalError | None = None  # a rejected key etc.: nothing more is sent
        self._server_info: dict[str, Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._client: Any = None
        self._pacer: Pacer | None = None
        self._closed = False

    def new_ledger(self) -> Ledger:
        return Ledger(self.settings.model, self.settings.prices, self.role)

    # ---- plumbing ----------------------------------------------------------------
    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(
                target=self._loop.run_forever, name=f"{self.role}-loop", daemon=True
            )
            self._thread.start()
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def _async_client(self) -> Any:
        if self._client is None:
            import openai

            s = self.settings
            cls = openai.AsyncAzureOpenAI if s.provider == "azure" else openai.AsyncOpenAI
            self._client = cls(**client_kwargs(s))
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
        """Print the invocation's bill (when anything happened) and stop the loop."""
        t = self.total
        if not self._closed and (t.requests or t.cache_hits or t.reused or t.failed_attempts):
            print(t.line(), file=sys.stderr)
        self._closed = True
        if self._loop is None:
            return
        if self._client is not None:
            self.run(self._client.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread:
            self._thread.join(timeout=5)
        self._loop.close()
        self._loop = None
        self._client = None

    # ---- sending -----------------------------------------------------------------
    def send(
        self, bodies: Sequence[Body], ledger: Ledger | None = None, on_reply: OnReply | None = None
    ) -> list[JudgeReply]:
        """One reply per body, in order: "ok", or an error reply saying why (attempts used,
        error kind). `on_reply(index, reply)` sees each ok reply as it arrives (the judge
        caches it at once, so an interrupted chunk keeps what was paid for). After a fatal
        error nothing more is sent and `fatal` is set; the caller decides when to raise."""
        if not bodies:
            return []
        return self.run(self._send_all(bodies, ledger, on_reply))

    def raise_if_fatal(self) -> None:
        if self.fatal is not None:
            raise self.fatal

    async def _send_all(
        self, bodies: Sequence[Body], ledger: Ledger | None, on_reply: OnReply | None
    ) -> list[JudgeReply]:
        self._async_client()
        sends = (self._send(i, b, ledger, on_reply) for i, b in enumerate(bodies))
        return list(await asyncio.gather(*sends))

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

    async def _once(self, body: Body, attempt: int) -> tuple[str, Any, float | None]:
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
                    body=body,
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
                    where = f"judge {s.model}" if self.role == "judge" else f"model {s.model}"
                    self.fatal = self.fatal or fatal_error(exc, where)
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

    async def _send(
        self, index: int, body: Body, ledger: Ledger | None, on_reply: OnReply | None
    ) -> JudgeReply:
        s = self.settings
        pacer = self._pacer
        assert pacer is not None
        attempt, throttled, waited = 1, 0, 0.0
        while True:
            kind, value, wait = await self._once(body, attempt)
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
                if on_reply is not None:
                    on_reply(index, reply)
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
