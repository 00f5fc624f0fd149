"""The run card: how a result was made, and the folder it lives in."""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import eval_mm
from eval_mm.redact import redact_argv
from eval_mm.registries import loaded_plugins
from eval_mm.store import contained, slugify

CARD_SCHEMA = 1


@lru_cache(maxsize=1)
def harness_commit() -> str | None:
    """Git commit of the harness itself (None when installed from a wheel).

    `--no-optional-locks`: `git status` would otherwise refresh the index and take
    `.git/index.lock`, colliding with the user's own git commands in that checkout."""
    root = Path(eval_mm.__file__).resolve().parent.parent
    if not (root / ".git").exists():
        return None
    git = ["git", "--no-optional-locks", "-C", str(root)]
    try:
        out = subprocess.run(
            [*git, "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
        return out + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return None


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def ids_hash(ids: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(ids).encode("utf-8")).hexdigest()


def config_id(identity: dict[str, Any]) -> str:
    """A short id of everything that changes the predictions (same config = same folder)."""
    blob = json.dumps(identity, sort_keys=True, ensure_ascii=False, default=str)
    return "cfg-" + hashlib.sha256(blob.encode("utf-8")).hexdigest()[:10]


def run_dir(results: Path, model_id: str, task_id: str, identity: dict[str, Any]) -> Path:
    return contained(results, slugify(model_id), slugify(task_id), config_id(identity))


def harness_info() -> dict[str, Any]:
    return {
        "name": "eval-mm",
        "version": eval_mm.__version__,
        "git_commit": harness_commit(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "argv": redact_argv(sys.argv[1:]),
        "plugins": loaded_plugins(),
    }
