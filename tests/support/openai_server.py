"""A real OpenAI-compatible HTTP server on 127.0.0.1 for tests and benchmarks.

Speaks enough of the wire format for the official `openai` client: chat completions
(`.../chat/completions`, any prefix, so Azure deployment paths work too), files
(upload, retrieve, content) and batches (create, retrieve, cancel; in `openai_batches`).
Faults are injectable.

    with FakeOpenAI(latency=0.0) as srv:
        srv.script("Prediction: good", "5")          # reply by content (substring of messages)
        srv.script("Prediction: meh", ["4", "3"])    # one reply per seed / choice (cycled)
        srv.fail_next(2, status=429, retry_after=0.05)
        srv.hang_next(1, seconds=5)                  # the client must time out
        srv.garbage_next(1)                          # HTTP 200 with a non-JSON body
        srv.script("Prediction: r", {"content": "4", "reasoning_content": "hmm"})
        srv.script("Prediction: h", harmony("thinking 2", "4"))   # gpt-oss channel text
        client = openai.OpenAI(base_url=srv.base_url, api_key="sk-test")
        ...
        assert srv.chat_count == 3

A reply rule is (needle, reply): the first rule whose needle occurs in the joined message
contents wins; `reply` is a string, a message dict (`content` plus fields such as
`reasoning_content` or `reasoning`, as vLLM sends for reasoning models), a list of either
(item `seed + choice` modulo its length) or a callable `(body, choice_index) -> str | dict`.
Without a match `default_reply` answers. `rate_limit` (requests per second, token bucket
with `burst` tokens, default one second of rate) answers 429 with `retry-after` when
exceeded, counted in `counts["429"]`, and sends `x-ratelimit-*` headers on every reply
unless `rate_headers=False`. `batch_api=False` makes the files and batches routes 404, as
on servers without them (vLLM).
The pytest fixture `fake_openai` yields a started server. As a separate process (so that
server and client do not share one interpreter):

    python -m tests.support.openai_server --latency 1 --rate 60   # prints the base URL

GET /_stats returns the counters as JSON; GET /_reset clears them.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.support import openai_batches as batches
from tests.support import openai_completion
from tests.support.openai_ratelimit import RATE_LIMITED, Bucket

Message = str | dict[str, Any]
Reply = Message | list[Message] | Callable[[dict[str, Any], int], Message]


def harmony(analysis: str, final: str | None, tokens: bool = True) -> str:
    """A gpt-oss completion in harmony channels as a server without a reasoning parser
    returns it: with the special tokens, or (tokens=False) with them dropped."""
    if not tokens:
        return f"analysis{analysis}" + (f"assistantfinal{final}" if final is not None else "")
    text = f"<|channel|>analysis<|message|>{analysis}<|end|>"
    if final is not None:
        text += f"<|start|>assistant<|channel|>final<|message|>{final}<|return|>"
    return text


@dataclass
class Fault:
    kind: str  # "status" | "hang" | "garbage"
    status: int = 500
    retry_after: float | None = None
    seconds: float = 0.0
    message: str | None = None  # the error's text (default "injected <status>")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512  # listen backlog: many clients connect at once

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client killed mid-request (the tests' SIGKILLs) resets its connections.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class FakeOpenAI:
    def __init__(
        self,
        latency: float = 0.0,
        rate_limit: float | None = None,
        default_reply: Reply = "3",
        model: str | None = None,
        batch_polls: int = 1,
        burst: float | None = None,
        rate_headers: bool = True,
        batch_api: bool = True,
    ) -> None:
        self.latency = latency
        self.default_reply: Reply = default_reply
        self.model = model  # the `model` field returned; None echoes the requested one
        self.batch_polls = batch_polls  # retrieves before a batch completes
        self.batch_api = batch_api  # False: no files/batches routes (404)
        # As vLLM: GET /version and GET /v1/models, e.g. {"version": .., "id": .., "root": ..}
        self.server_info: dict[str, Any] | None = None
        self.batch_expire = False  # a batch ends "expired" with only half of its lines done
        self.batch_fail_ids: set[str] = set()  # custom_ids that land in the error file
        self.batch_fail_all = False  # a batch ends "failed" as a whole
        # When set, chat requests with another key get a 401 whose message echoes the key
        # they sent (as some servers do: nothing the harness writes may contain it).
        self.api_key: str | None = None
        self.rules: list[tuple[str, Reply]] = []
        self.faults: list[Fault] = []
        self.requests: list[dict[str, Any]] = []  # every request: method, path, headers, body
        self.counts: Counter[str] = Counter()
        self.in_flight = 0  # chat requests being answered now
        self.max_in_flight = 0  # the most ever answered at once
        self.files: dict[str, dict[str, Any]] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self._bucket = Bucket(rate_limit, burst, rate_headers) if rate_limit else None
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle --------------------------------------------------------------
    def start(self) -> FakeOpenAI:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # ---- scripting --------------------------------------------------------------
    def script(self, needle: str, reply: Reply) -> None:
        self.rules.append((needle, reply))

    def fail_next(
        self,
        n: int = 1,
        status: int = 500,
        retry_after: float | None = None,
        message: str | None = None,
    ) -> None:
        self.faults.extend(
            Fault("status", status, retry_after, message=message) for _ in range(n)
        )

    def hang_next(self, n: int = 1, seconds: float = 30.0) -> None:
        self.faults.extend(Fault("hang", seconds=seconds) for _ in range(n))

    def garbage_next(self, n: int = 1) -> None:
        self.faults.extend(Fault("garbage") for _ in range(n))

    def set_rate_limit(
        self, rate: float | None, burst: float | None = None, headers: bool = True
    ) -> None:
        self._bucket = Bucket(rate, burst, headers) if rate else None

    # ---- statistics -------------------------------------------------------------
    @property
    def chat_count(self) -> int:
        """Chat-completion requests received (including failed and rate-limited ones)."""
        return self.counts["chat"]

    def reset_counts(self) -> None:
        with self._lock:
            self.counts.clear()
            self.requests.clear()
            self.max_in_flight = 0

    def chat_bodies(self) -> list[dict[str, Any]]:
        return [r["body"] for r in self.requests if r["kind"] == "chat"]

    # ---- behaviour --------------------------------------------------------------
    def next_id(self, prefix: str) -> str:
        with self._lock:
            return f"{prefix}-{next(self._ids)}"

    def take_fault(self) -> Fault | None:
        with self._lock:
            return self.faults.pop(0) if self.faults else None

    def reply_text(self, body: dict[str, Any], choice: int) -> Message:
        text = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
        reply = next((r for needle, r in self.rules if needle in text), self.default_reply)
        if callable(reply):
            return reply(body, choice)
        if isinstance(reply, list):
            return reply[(int(body.get("seed") or 0) + choice) % len(reply)]
        return reply

    def completion(self, body: dict[str, Any]) -> dict[str, Any]:
        return openai_completion.completion(self, body)

    def run_batch(self, batch: dict[str, Any]) -> None:
        batches.run_batch(self, batch)

    def add_file(self, rows: list[dict[str, Any]], purpose: str, name: str = "out.jsonl") -> str:
        return batches.add_file(self, rows, purpose, name)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAI
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16  # one write per reply: avoids Nagle + delayed-ACK stalls

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _log(self, kind: str, body: Any) -> None:
        with self.fake._lock:
            self.fake.counts[kind] += 1
            self.fake.requests.append(
                {
                    "kind": kind,
                    "method": self.command,
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": body,
                }
            )

    def do_POST(self) -> None:
        path = self.path.split("?")[0]
        raw = self._body()
        if path.endswith("/chat/completions"):
            self._chat(raw)
        elif not (self.fake.batch_api and batches.handle_post(self, path, raw)):
            self._send(
                404, {"error": {"message": f"no route {path}", "type": "invalid_request_error"}}
            )

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        parts = path.strip("/").split("/")
        if self.fake.batch_api and batches.handle_get_batch(self, parts):
            return
        if path == "/_stats":  # counters, for a server run in another process
            stats = {"counts": dict(self.fake.counts), "max_in_flight": self.fake.max_in_flight}
            self._send(200, stats)
        elif path == "/_reset":
            self.fake.reset_counts()
            self._send(200, {})
        elif self.fake.server_info and path == "/version":
            self._send(200, {"version": self.fake.server_info["version"]})
        elif self.fake.server_info and path.endswith("/models"):
            info = {k: v for k, v in self.fake.server_info.items() if k != "version"}
            self._send(200, {"object": "list", "data": [{"object": "model", **info}]})
        elif not (self.fake.batch_api and batches.handle_get_file(self, parts)):
            self._send(404, {"error": {"message": f"no route {path}"}})

    def _chat(self, raw: bytes) -> None:
        fake = self.fake
        body = json.loads(raw)
        self._log("chat", body)
        given = str(self.headers.get("Authorization", "")).removeprefix("Bearer ")
        if fake.api_key is not None and given != fake.api_key:
            error = {"message": f"Incorrect API key provided: {given}", "code": "invalid_api_key"}
            self._send(401, {"error": {**error, "type": "invalid_request_error"}})
            return
        headers: dict[str, str] = {}
        bucket = fake._bucket
        if bucket is not None:
            ok, headers = bucket.take()
            if not ok:
                with fake._lock:
                    fake.counts["429"] += 1
                self._send(429, RATE_LIMITED, headers)
                return
        with fake._lock:
            fake.in_flight += 1
            fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
        try:
            self._answer(body, headers)
        finally:
            with fake._lock:
                fake.in_flight -= 1

    def _answer(self, body: dict[str, Any], headers: dict[str, str]) -> None:
        fake = self.fake
        fault = fake.take_fault()
        if fault and fault.kind == "hang":
            fake._stop.wait(fault.seconds)
            self.close_connection = True
            return
        if fake.latency:
            time.sleep(fake.latency)
        if fault and fault.kind == "status":
            if fault.retry_after is not None:
                headers["retry-after"] = str(fault.retry_after)
            self._send(
                fault.status,
                {
                    "error": {
                        "message": fault.message or f"injected {fault.status}",
                        "type": "server_error",
                    }
                },
                headers,
            )
            return
        if fault and fault.kind == "garbage":
            self._send(200, b"<html>502 bad gateway</html>", headers)
            return
        self._send(200, fake.completion(body), headers)


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A started FakeOpenAI server without latency or rate limit."""
    with FakeOpenAI() as srv:
        yield srv


def _serve() -> None:
    import argparse
    import signal

    ap = argparse.ArgumentParser(description="Run the fake OpenAI server until interrupted.")
    ap.add_argument("--latency", type=float, default=0.0)
    ap.add_argument("--rate", type=float, default=None, help="requests per second limit")
    ap.add_argument("--burst", type=float, default=None, help="burst of the limit (default: rate)")
    ap.add_argument("--no-rate-headers", action="store_true", help="send no x-ratelimit-*")
    ap.add_argument("--reply", default="3", help="default reply text")
    args = ap.parse_args()
    srv = FakeOpenAI(
        latency=args.latency,
        rate_limit=args.rate,
        default_reply=args.reply,
        burst=args.burst,
        rate_headers=not args.no_rate_headers,
    ).start()
    print(srv.base_url, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    srv.stop()


if __name__ == "__main__":
    _serve()
