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
from eval_mm.errors import UserError
from eval_mm.redact import redact_argv
from eval_mm.registries import loaded_plugins
from eval_mm.store import CARD, CorruptResult, contained, read_json, slugify

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


def read_card(folder: Path, name: str = CARD, required: bool = False) -> dict[str, Any]:
    """A run folder's JSON file (run.json by default) as a dict; {} when absent unless
    `required`. A damaged file is the user's to restore, not a traceback."""
    path = folder / name
    if not path.is_file():
        if required:
            raise UserError(f"{folder} is not a run folder (no {name})")
        return {}
    try:
        data = read_json(path)
    except CorruptResult:
        raise  # already names the file and what to do
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError(
            f"{path} is damaged ({type(exc).__name__}); restore it from a backup, or rerun "
            "with --overwrite to start this run again"
        ) from None
    if not isinstance(data, dict):
        raise UserError(f"{path} does not hold a JSON object; restore it or rerun with --overwrite")
    return data


def invocation(status: str, what: dict[str, Any]) -> dict[str, Any]:
    """One entry of the card's append-only history of invocations."""
    h = harness_info()
    return {
        "time": now(),
        "harness_version": h["version"],
        "git_commit": h["git_commit"],
        "argv": h["argv"],
        **what,
        "status": status,
    }


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
