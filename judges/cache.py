"""Content-addressed judge cache: one JSON file per request key, written atomically, so a
killed process loses at most the requests in flight and a rerun sends no request twice."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Any

from eval_mm.store import atomic_write_json


def cache_key(
    provider: str,
    model: str,
    prompt_version: str,
    messages: list[dict[str, str]],
    temperature: float,
    max_tokens: int,
    seed: int,
    n: int,
    reask: int = 0,
    extra: dict[str, Any] | None = None,
) -> str:
    """sha256 of the canonical JSON of everything that changes the reply (judge.md §8).
    `reask` tells apart a deliberate second ask of the same request after a parse failure;
    `extra` holds other request parameters that are sent only when set (reasoning effort,
    the token-limit parameter of reasoning judges), so keys without them never change."""
    payload: dict[str, Any] = {
        "provider": provider,
        "model": model,
        "prompt_version": prompt_version,
        "messages": messages,
        "temperature": float(temperature),
        "max_tokens": max_tokens,
        "seed": seed,
        "n": n,
    }
    if reask:
        payload["reask"] = reask
    payload.update({k: v for k, v in (extra or {}).items() if v is not None})
    canon = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


class JudgeCache:
    """Successful API responses (parseable or not) by key; errors are never cached."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._memory: dict[str, dict[str, Any]] = {}
        self.written: set[str] = set()  # keys this process paid for (online or batch)
        self._dirs: set[Path] = set()  # folders known to exist
        self._lock = threading.Lock()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            if key in self._memory:
                return self._memory[key]
        path = self._path(key)
        try:
            entry: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None  # a torn file cannot exist (atomic rename), but never trust disk blindly
        with self._lock:
            self._memory[key] = entry
        return entry

    def put(self, key: str, entry: dict[str, Any]) -> None:
        with self._lock:
            self._memory[key] = entry
            self.written.add(key)
        # The store's atomic write: secrets masked, the umask's file mode; no fsync per entry
        # (a lost entry is only a request sent again).
        atomic_write_json(self._path(key), entry, indent=None, durable=False)
