"""Fail fast on the Hugging Face hub: an id that cannot be had is a clear error within
seconds, before torch or transformers are imported and before any retry loop starts.

Offline (`HF_HUB_OFFLINE=1`, or the hub unreachable within a few seconds) an id must be in
the local cache; online, an id the hub does not know is refused at once.
"""

from __future__ import annotations

import os
import socket
import threading
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from eval_mm.errors import UserError

PROBE_SECONDS = 3.0
_TRUE = ("1", "true", "yes", "on")


def offline(kind: str = "model") -> bool:
    names = ["HF_HUB_OFFLINE"] + (["HF_DATASETS_OFFLINE"] if kind == "dataset" else [])
    return any(os.environ.get(n, "").strip().lower() in _TRUE for n in names)


def endpoint() -> str:
    return os.environ.get("HF_ENDPOINT") or "https://huggingface.co"


def reachable() -> bool:
    """Whether the hub answers a TCP connection within a few seconds (asked once)."""
    return _reachable(endpoint(), PROBE_SECONDS)


@lru_cache(maxsize=4)
def _reachable(url: str, seconds: float) -> bool:
    # DNS included: a resolver that hangs is bounded by the thread join, not the socket timeout
    parts = urlsplit(url)
    host = parts.hostname or "huggingface.co"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    result: list[bool] = []

    def probe() -> None:
        try:
            socket.create_connection((host, port), timeout=seconds).close()
            result.append(True)
        except OSError:
            result.append(False)

    t = threading.Thread(target=probe, daemon=True)
    t.start()
    t.join(seconds + 0.5)
    return bool(result and result[0])


def cache_dir() -> Path:
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def cached(repo_id: str, kind: str = "model") -> bool:
    """Whether any snapshot of `repo_id` is in the local hub cache (or, for a dataset, a
    prepared copy in the datasets cache)."""
    folders = [cache_dir() / f"{kind}s--{repo_id.replace('/', '--')}" / "snapshots"]
    if kind == "dataset":
        from datasets import config

        folders.append(Path(config.HF_DATASETS_CACHE) / repo_id.replace("/", "___"))
    return any(f.is_dir() and any(f.iterdir()) for f in folders)


def looks_like_path(name: str) -> bool:
    """A local path rather than a hub id (`org/name`, or a bare legacy `name`)."""
    return name.startswith(("/", "./", "../", "~")) or name.count("/") > 1


def check_available(repo_id: str, revision: str | None = None, kind: str = "model") -> None:
    """A UserError now, when `repo_id` (a hub id or a local folder) cannot be loaded."""
    if Path(repo_id).expanduser().is_dir():
        return
    if looks_like_path(repo_id):
        raise UserError(f"{repo_id} is not a folder (a local checkpoint must be a folder)")
    if cached(repo_id, kind):
        return  # the loaders use the cache when offline, and check the revision themselves
    flag = " --repo-type dataset" if kind == "dataset" else ""
    hint = f"download it where the hub is reachable (`huggingface-cli download {repo_id}{flag}`)"
    if offline(kind):
        raise UserError(
            f"{kind} {repo_id} is not in the local cache and HF_HUB_OFFLINE is on: {hint}"
        )
    if not reachable():
        raise UserError(
            f"{kind} {repo_id} is not in the local cache and {endpoint()} cannot be reached: {hint}"
        )
    _check_on_hub(repo_id, revision, kind)


def _check_on_hub(repo_id: str, revision: str | None, kind: str) -> None:
    from huggingface_hub import HfApi
    from huggingface_hub.errors import (
        GatedRepoError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    api = HfApi()
    try:
        if kind == "dataset":
            api.dataset_info(repo_id, revision=revision, timeout=10)
        else:
            api.model_info(repo_id, revision=revision, timeout=10)
    except GatedRepoError:
        raise UserError(
            f"{kind} {repo_id} is gated: accept its terms on the hub and log in "
            "(`huggingface-cli login` or HF_TOKEN)"
        ) from None
    except RepositoryNotFoundError:
        raise UserError(
            f"no {kind} {repo_id} on the hub (or it is private: log in with "
            "`huggingface-cli login` or set HF_TOKEN)"
        ) from None
    except RevisionNotFoundError:
        raise UserError(f"{kind} {repo_id} has no revision {revision!r}") from None
    except Exception:
        return  # a slow or flaky hub: let the loader try (and report) as before
