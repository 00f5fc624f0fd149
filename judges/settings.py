"""Judge settings: CLI options (`ctx.options["judge"]`) + environment + `.env`.

Secrets stay in memory: `card()` records provider, host and parameters, never a key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from eval_mm.errors import UserError

DEFAULT_MODEL = "gpt-4o-2024-11-20"
DEFAULT_RUNS = 5
DEFAULT_CONCURRENCY = 10
DEFAULT_MAX_TOKENS = 1024
MODES = ("independent", "n", "single")


def default_cache_dir() -> Path:
    if os.environ.get("EVAL_MM_CACHE"):
        return Path(os.environ["EVAL_MM_CACHE"]) / "judge"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "eval-mm" / "judge"


def _load_dotenv() -> None:
    """Read `.env` of the working directory (or a parent); the environment wins."""
    from dotenv import find_dotenv, load_dotenv

    path = find_dotenv(usecwd=True)
    if path:
        load_dotenv(path, override=False)


@dataclass
class JudgeSettings:
    model: str = DEFAULT_MODEL
    provider: str = "openai"  # openai | azure | compatible
    base_url: str | None = None
    runs: int = DEFAULT_RUNS
    mode: str = "independent"
    temperature: float = 0.0
    max_tokens: int = DEFAULT_MAX_TOKENS
    concurrency: int = DEFAULT_CONCURRENCY
    prompt: str | None = None  # prompt version override
    batch: bool = False
    cache_dir: Path = field(default_factory=default_cache_dir)
    reask: int = 1  # re-asks of a reply the strict parser cannot read
    timeout_s: float = 120.0
    max_attempts: int = 5
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 60.0
    batch_poll_s: float = 30.0
    prices: dict[str, tuple[float, float]] = field(default_factory=dict)
    api_version: str | None = None
    # Secrets: never written anywhere.
    api_key: str | None = field(default=None, repr=False)
    key_var: str = "OPENAI_API_KEY"

    @property
    def seeds(self) -> list[int]:
        return [0] if self.mode == "n" else list(range(self.runs))

    @property
    def host(self) -> str | None:
        return urlsplit(self.base_url).hostname if self.base_url else None

    @staticmethod
    def from_options(options: dict[str, Any] | None = None) -> JudgeSettings:
        """Settings from the CLI's judge options and the environment (and `.env`)."""
        opts = dict(options or {})
        _load_dotenv()
        env = os.environ
        s = JudgeSettings()
        s.model = opts.get("model") or env.get("EVAL_MM_JUDGE_MODEL") or DEFAULT_MODEL
        s.mode = opts.get("mode") or "independent"
        if s.mode not in MODES:
            raise UserError(f"judge mode must be one of {', '.join(MODES)}, not {s.mode!r}")
        s.runs = 1 if s.mode == "single" else int(opts.get("runs") or DEFAULT_RUNS)
        if s.runs < 1:
            raise UserError("--judge-runs must be at least 1")
        s.temperature = float(opts.get("temperature") or 0.0)
        s.concurrency = int(opts.get("concurrency") or DEFAULT_CONCURRENCY)
        if s.concurrency < 1:
            raise UserError("--judge-concurrency must be at least 1")
        s.prompt = opts.get("prompt")
        s.batch = bool(opts.get("batch"))
        if opts.get("cache"):
            s.cache_dir = Path(opts["cache"]).expanduser()
        for key in ("reask", "max_attempts", "max_tokens"):
            if opts.get(key) is not None:
                setattr(s, key, int(opts[key]))
        for key in ("timeout_s", "backoff_base_s", "backoff_cap_s", "batch_poll_s"):
            if opts.get(key) is not None:
                setattr(s, key, float(opts[key]))
        s.prices = {k: (float(v[0]), float(v[1])) for k, v in (opts.get("prices") or {}).items()}
        base_url = opts.get("base_url")
        azure_endpoint = env.get("AZURE_OPENAI_ENDPOINT")
        if not base_url and azure_endpoint:
            s.provider, s.base_url, s.key_var = "azure", azure_endpoint, "AZURE_OPENAI_API_KEY"
            s.api_version = env.get("OPENAI_API_VERSION") or "2024-10-21"
        else:
            s.base_url = base_url or env.get("OPENAI_BASE_URL") or None
            host = s.host or "api.openai.com"
            s.provider = "openai" if host == "api.openai.com" else "compatible"
            s.key_var = "OPENAI_API_KEY"
        s.api_key = env.get(s.key_var) or None
        return s

    def check_key(self) -> None:
        if self.api_key:
            return
        if self.provider == "compatible":
            self.api_key = "EMPTY"  # local servers (vLLM) usually need no key
            return
        raise UserError(
            f"the LLM judge needs {self.key_var} (environment or .env file); "
            "set it, or pass --no-judge to skip judge metrics"
        )

    def fingerprint(self) -> dict[str, Any]:
        """What changes the judge's replies: model, endpoint, runs and sampling, re-ask
        policy. Speed settings (concurrency, timeouts, attempts, batch mode, cache) are not
        in it: a rerun may change them and keep every stored score."""
        return {
            "model": self.model,
            "provider": self.provider,
            "endpoint": self.host or "api.openai.com",
            "azure_api_version": self.api_version,
            "runs": self.runs,
            "mode": self.mode,
            "seeds": self.seeds,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "reask": self.reask,
        }

    def card(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "provider": self.provider,
            "base_url_host": self.host or "api.openai.com",
            "azure_api_version": self.api_version,
            "runs": self.runs,
            "seeds": self.seeds,
            "mode": self.mode,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "reask_on_parse_failure": self.reask,
            "batch": self.batch,
            "concurrency": self.concurrency,
            "max_attempts": self.max_attempts,
            "timeout_s": self.timeout_s,
        }
