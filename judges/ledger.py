"""Token and cost ledger of the judge: what was actually paid for (cache hits cost nothing)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval_mm.store import atomic_write_json, read_json

LEDGER_FILE = "judge_ledger.json"

# USD per 1M tokens (input, output), standard API; judge.md §10. The Batch API halves these.
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-2024-11-20": (2.50, 10.00),
    "gpt-4o-2024-08-06": (2.50, 10.00),
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-2024-05-13": (5.00, 15.00),
}
BATCH_DISCOUNT = 0.5


def price_of(
    model: str, overrides: dict[str, tuple[float, float]] | None = None
) -> tuple[float, float] | None:
    table = {**PRICES, **(overrides or {})}
    return table.get(model)


@dataclass
class Ledger:
    model: str
    prices: dict[str, tuple[float, float]] = field(default_factory=dict)
    requests: int = 0  # API calls that returned a reply
    batch_requests: int = 0
    failed_attempts: int = 0  # attempts that errored (5xx, timeouts, 4xx), retried or not
    rate_limited: int = 0  # 429s waited out (not attempts)
    cache_hits: int = 0  # answered from replies stored by an earlier invocation
    reused: int = 0  # answered by a reply already delivered in this one (another metric, a dup)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add_usage(self, usage: dict[str, Any] | None, batch: bool = False) -> float | None:
        """Record one paid reply; returns its estimated cost (None without a known price)."""
        p_in = int((usage or {}).get("prompt_tokens") or 0)
        p_out = int((usage or {}).get("completion_tokens") or 0)
        price = price_of(self.model, self.prices)
        cost = None
        if price is not None:
            cost = (p_in * price[0] + p_out * price[1]) / 1e6 * (BATCH_DISCOUNT if batch else 1.0)
        with self._lock:
            self.requests += 1
            self.batch_requests += int(batch)
            self.prompt_tokens += p_in
            self.completion_tokens += p_out
            self.cost_usd += cost or 0.0
        return cost

    def add_hit(self, count: int = 1) -> None:
        with self._lock:
            self.cache_hits += count

    def add_reused(self, count: int = 1) -> None:
        with self._lock:
            self.reused += count

    def add_failure(self) -> None:
        with self._lock:
            self.failed_attempts += 1

    def add_rate_limited(self) -> None:
        with self._lock:
            self.rate_limited += 1

    def to_json(self) -> dict[str, Any]:
        price = price_of(self.model, self.prices)
        return {
            "model": self.model,
            "price_per_1m_tokens": list(price) if price else None,
            "requests": self.requests,
            "batch_requests": self.batch_requests,
            "failed_attempts": self.failed_attempts,
            "rate_limited": self.rate_limited,
            "cache_hits": self.cache_hits,
            "reused": self.reused,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
            "cost_usd": self.cost_usd if price else None,
        }

    def line(self) -> str:
        j = self.to_json()
        cost = f"${j['cost_usd']:.4f}" if j["cost_usd"] is not None else "cost unknown (no price)"
        return (
            f"judge {self.model}: {j['requests']} requests ({j['batch_requests']} batch), "
            f"{j['cache_hits']} cache hits, {j['reused']} reused in this run, "
            f"{j['failed_attempts']} failed attempts, {j['rate_limited']} rate-limited (429), "
            f"{j['prompt_tokens']} in + {j['completion_tokens']} out tokens, {cost}"
        )


def write_ledger_file(path: Path, history: dict[str, list[dict[str, Any]]], ledger: Ledger) -> None:
    """A run folder's `judge_ledger.json`: one entry per invocation, so a cached rerun does
    not hide what the first run paid. `history` caches each file's earlier entries."""
    key = str(path.parent)
    if key not in history:
        old = read_json(path) if path.exists() else {}
        history[key] = list(old.get("invocations", []))
    entries = [*history[key], ledger.to_json()]
    total_cost = [e.get("cost_usd") for e in entries]
    atomic_write_json(
        path,
        {
            "invocations": entries,
            "requests": sum(e["requests"] for e in entries),
            "total_tokens": sum(e["total_tokens"] for e in entries),
            "cost_usd": None if None in total_cost else sum(total_cost),
        },
    )
