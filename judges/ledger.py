"""Token and cost ledgers of API calls: what was actually paid for (cache hits cost nothing).

One per role and run folder: the judge's in `judge_ledger.json`, an API model's generation
in `generation_ledger.json`, each with one entry per invocation."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval_mm.store import CorruptResult, atomic_write_json, read_json

LEDGER_FILE = "judge_ledger.json"
GENERATION_LEDGER_FILE = "generation_ledger.json"

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
    role: str = "judge"  # judge | generation: whose requests (eval_mm.judges.client.Role)
    requests: int = 0  # API calls that returned a reply
    batch_requests: int = 0
    failed_attempts: int = 0  # attempts that errored (5xx, timeouts, 4xx), retried or not
    rate_limited: int = 0  # 429s waited out (not attempts)
    cache_hits: int = 0  # answered from replies stored by an earlier invocation
    reused: int = 0  # answered by a reply already delivered in this one (another metric, a dup)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    reasoning_tokens: int = 0  # part of completion_tokens, when the API says
    cost_usd: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add_usage(self, usage: dict[str, Any] | None, batch: bool = False) -> float | None:
        """Record one paid reply; returns its estimated cost (None without a known price)."""
        p_in = int((usage or {}).get("prompt_tokens") or 0)
        p_out = int((usage or {}).get("completion_tokens") or 0)
        p_think = int((usage or {}).get("reasoning_tokens") or 0)
        price = price_of(self.model, self.prices)
        cost = None
        if price is not None:
            cost = (p_in * price[0] + p_out * price[1]) / 1e6 * (BATCH_DISCOUNT if batch else 1.0)
        with self._lock:
            self.requests += 1
            self.batch_requests += int(batch)
            self.prompt_tokens += p_in
            self.completion_tokens += p_out
            self.reasoning_tokens += p_think
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
            "role": self.role,
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
            "reasoning_tokens": self.reasoning_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
            "cost_usd": self.cost_usd if price else None,
        }

    def line(self) -> str:
        j = self.to_json()
        cost = f"${j['cost_usd']:.4f}" if j["cost_usd"] is not None else "cost unknown (no price)"
        tokens = f"{j['prompt_tokens']} in + {j['completion_tokens']} out tokens"
        if j["reasoning_tokens"]:
            tokens += f" ({j['reasoning_tokens']} reasoning)"
        if self.role == "generation":  # no cache, no batch: every reply was paid for
            return (
                f"generation {self.model}: {j['requests']} requests, "
                f"{j['failed_attempts']} failed attempts, {j['rate_limited']} rate-limited "
                f"(429), {tokens}, {cost}"
            )
        return (
            f"judge {self.model}: {j['requests']} requests ({j['batch_requests']} batch), "
            f"{j['cache_hits']} cache hits, {j['reused']} reused in this run, "
            f"{j['failed_attempts']} failed attempts, {j['rate_limited']} rate-limited (429), "
            f"{tokens}, {cost}"
        )


def write_ledger_file(
    path: Path, history: dict[str, list[dict[str, Any]]], ledger: Ledger, slot: str = ""
) -> None:
    """A run folder's ledger file (`judge_ledger.json`, `generation_ledger.json`): one entry
    per invocation and ledger, so a cached rerun does not hide what the first run paid.
    `history` caches each file's earlier entries; a second write in the same invocation
    replaces this invocation's entry of the same `slot`. Judges whose metric protocol fixes
    other settings (another grader model) keep their own slot in a shared `history`."""
    append_ledger_entry(path, history, ledger.to_json(), slot)


def append_ledger_entry(
    path: Path, history: dict[str, list[dict[str, Any]]], entry: dict[str, Any], slot: str = ""
) -> None:
    key = str(path)
    if key not in history:
        old = read_json(path) if path.exists() else {}
        history[key] = list(old.get("invocations", []))
    history[f"{key}\n{slot}"] = [entry]  # this invocation's entry of this slot
    current = [e for k, v in history.items() if k.startswith(key + "\n") for e in v]
    entries = [*history[key], *current]
    total_cost = [e.get("cost_usd") for e in entries]
    atomic_write_json(
        path,
        {
            "invocations": entries,
            "requests": sum(e["requests"] for e in entries),
            "total_tokens": sum(e["total_tokens"] for e in entries),
            "reasoning_tokens": sum(int(e.get("reasoning_tokens") or 0) for e in entries),
            "cost_usd": None if None in total_cost else sum(total_cost),
        },
    )


def bill_lines(run_dir: Path) -> list[str]:
    """What a run folder's API calls cost over all its invocations, one line per ledger
    file (`eval-mm show`); nothing for a run that made no API call."""
    lines = []
    for role, name in (("generation", GENERATION_LEDGER_FILE), ("judge", LEDGER_FILE)):
        path = run_dir / name
        if not path.is_file():
            continue
        try:
            j = read_json(path)
            entries = list(j.get("invocations") or [])
            cost = j.get("cost_usd")
        except (CorruptResult, OSError, AttributeError, TypeError, ValueError):
            continue  # a damaged ledger is a missing record, not a reason to stop showing
        prompt = sum(int(e.get("prompt_tokens") or 0) for e in entries)
        out = sum(int(e.get("completion_tokens") or 0) for e in entries)
        think = sum(int(e.get("reasoning_tokens") or 0) for e in entries)
        models = sorted({str(e.get("model")) for e in entries})
        money = f"${cost:.4f}" if isinstance(cost, (int, float)) else "cost unknown (no price)"
        lines.append(
            f"{role} {', '.join(models)}: {sum(int(e.get('requests') or 0) for e in entries)} "
            f"requests in {len(entries)} invocations, {prompt} in + {out} out tokens"
            + (f" ({think} reasoning)" if think else "")
            + f", {money}"
        )
    return lines
