"""The fake OpenAI server's request limit: a token bucket with a configurable burst, the
`x-ratelimit-*` headers OpenAI sends, and the 429 reply (`openai_server.FakeOpenAI`)."""

from __future__ import annotations

import threading
import time

RATE_LIMITED = {
    "error": {
        "message": "Rate limit reached for requests",
        "type": "requests",
        "code": "rate_limit_exceeded",
    }
}


class Bucket:
    """`rate` tokens per second; `burst` tokens at most (default: one second of rate)."""

    def __init__(self, rate: float, burst: float | None = None, headers: bool = True) -> None:
        self.rate = rate
        self.capacity = max(1.0, burst if burst is not None else rate)
        self.tokens = self.capacity
        self.headers = headers  # send x-ratelimit-* (OpenAI does; many servers do not)
        self.t = time.monotonic()
        self.lock = threading.Lock()

    def take(self) -> tuple[bool, dict[str, str]]:
        """(allowed, headers for the reply: rate-limit state, plus retry-after when refused)."""
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.capacity, self.tokens + (now - self.t) * self.rate)
            self.t = now
            ok = self.tokens >= 1.0
            if ok:
                self.tokens -= 1.0
            remaining, wait = self.tokens, (1.0 - self.tokens) / self.rate
        headers: dict[str, str] = {}
        if self.headers:
            headers = {
                "x-ratelimit-limit-requests": str(int(self.rate * 60)),
                "x-ratelimit-remaining-requests": str(int(remaining)),
                "x-ratelimit-reset-requests": f"{(self.capacity - remaining) / self.rate:.3f}s",
            }
        if not ok:
            headers["retry-after"] = f"{wait:.3f}"
        return ok, headers
