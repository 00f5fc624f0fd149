"""Judge settings: CLI options (`ctx.options["judge"]`) + profile + environment + `.env`.

Secrets stay in memory: `card()` records provider, host and parameters, never a key.
`fingerprint()` is the part of the settings that changes replies (what stored scores are keyed
by); everything else only changes speed or cost.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eval_mm.errors import UserError
from eval_mm.judges.client import ClientSettings

if TYPE_CHECKING:
    from eval_mm.judges.prompt import JudgePrompt

DEFAULT_MODEL = "gpt-4o-2024-11-20"
MODEL_ENV = "EVAL_MM_JUDGE_MODEL"  # the judge model when no --judge-model is given
DEFAULT_RUNS = 5
DEFAULT_MAX_TOKENS = 1024
MODES = ("independent", "n", "single")
TOKEN_PARAMS = ("max_tokens", "max_completion_tokens")
REASONING_EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh")
TEMPERATURE_RANGE = (0.0, 2.0)  # what the chat-completions API accepts

# Named judge configurations (spec tasks-2026.md §2.3). Explicit options override them.
PROFILES: dict[str, dict[str, Any]] = {
    "gpt-oss-20b-local": {
        "model": "openai/gpt-oss-20b",
        "base_url": "http://127.0.0.1:8000/v1",  # `vllm serve openai/gpt-oss-20b` default port
        "reasoning_effort": "low",
        "token_param": "max_completion_tokens",  # the budget covers reasoning and answer
        "reply_format": "harmony",  # parse the final channel only
        "max_tokens": 1024,
        "prices": {"openai/gpt-oss-20b": (0.0, 0.0)},  # local: no per-token bill
    },
}


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
class JudgeSettings(ClientSettings):
    """The judge's endpoint and retry settings (ClientSettings) plus how it judges."""

    model: str = DEFAULT_MODEL
    runs: int = DEFAULT_RUNS
    mode: str = "independent"
    temperature: float = 0.0
    max_tokens: int = DEFAULT_MAX_TOKENS
    token_param: str = "max_tokens"  # or max_completion_tokens (reasoning judges)
    reasoning_effort: str | None = None
    reply_format: str = "plain"  # plain | harmony (gpt-oss channels in the text)
    profile: str | None = None
    prompt: str | None = None  # prompt version override
    reask: int = 0  # re-asks of a reply the strict parser cannot read (protocol: none)
    # Speed only: never in the fingerprint (nor are the client's concurrency, rate, etc.).
    batch: bool = False
    cache_dir: Path = field(default_factory=default_cache_dir)
    batch_poll_s: float = 30.0

    @property
    def seeds(self) -> list[int]:
        return [0] if self.mode == "n" else list(range(self.runs))

    @staticmethod
    def from_options(
        options: dict[str, Any] | None = None, protocol: dict[str, Any] | None = None
    ) -> JudgeSettings:
        """Settings from the CLI's judge options, the profile and the environment (and
        `.env`); raises UserError on values out of range.

        `protocol` holds what a metric's own protocol fixes (a legacy metric's token limit,
        a grader model): it overrides the profile and is overridden by options the user
        gave explicitly."""
        opts = dict(options or {})
        profile = opts.get("profile")
        if profile is not None and profile not in PROFILES:
            raise UserError(
                f"unknown judge profile {profile!r}; choose one of: {', '.join(PROFILES)}"
            )
        if profile is not None or protocol:
            given = {k: v for k, v in opts.items() if v is not None}
            opts = {**PROFILES.get(profile or "", {}), **(protocol or {}), **given}
        _load_dotenv()
        env = os.environ
        s = JudgeSettings(profile=profile)
        s.model = opts.get("model") or env.get(MODEL_ENV) or DEFAULT_MODEL
        s.mode = opts.get("mode") or "independent"
        if s.mode not in MODES:
            raise UserError(f"judge mode must be one of {', '.join(MODES)}, not {s.mode!r}")
        runs = opts.get("runs")
        if s.mode == "single":
            if runs is not None and int(runs) != 1:
                raise UserError("--judge-mode single is one run; drop --judge-runs or set it to 1")
            s.runs = 1
        else:
            s.runs = DEFAULT_RUNS if runs is None else int(runs)
        if s.runs < 1:
            raise UserError(f"--judge-runs must be at least 1, not {s.runs}")
        if opts.get("temperature") is not None:
            s.temperature = float(opts["temperature"])
        lo, hi = TEMPERATURE_RANGE
        if not lo <= s.temperature <= hi:
            raise UserError(f"--judge-temperature must be in [{lo:g}, {hi:g}], not {s.temperature}")
        s.prompt = opts.get("prompt")
        s.batch = bool(opts.get("batch"))
        if opts.get("cache"):
            s.cache_dir = Path(opts["cache"]).expanduser()
        for key in ("reask", "max_attempts", "max_tokens", "concurrency"):
            if opts.get(key) is not None:
                setattr(s, key, int(opts[key]))
        for key in (
            "rps",
            "timeout_s",
            "backoff_base_s",
            "backoff_cap_s",
            "batch_poll_s",
            "rate_limit_patience_s",
        ):
            if opts.get(key) is not None:
                setattr(s, key, float(opts[key]))
        for key in ("token_param", "reasoning_effort", "reply_format"):
            if opts.get(key) is not None:
                setattr(s, key, str(opts[key]))
        if s.reasoning_effort is not None and "token_param" not in opts:
            s.token_param = "max_completion_tokens"  # reasoning models reject max_tokens
        s.prices = {k: (float(v[0]), float(v[1])) for k, v in (opts.get("prices") or {}).items()}
        s.validate()
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

    def validate(self) -> None:
        """Refuse values no judge can run with (each message names the flag to fix)."""
        checks = [
            (self.max_tokens >= 1, f"--judge-max-tokens must be at least 1, not {self.max_tokens}"),
            (self.reask >= 0, f"--judge-reask must be 0 or more, not {self.reask}"),
            (
                self.concurrency is None or self.concurrency >= 1,
                f"--judge-concurrency must be at least 1, not {self.concurrency}",
            ),
            (self.rps is None or self.rps > 0, f"--judge-rps must be above 0, not {self.rps}"),
            (self.timeout_s > 0, f"--judge-timeout must be above 0, not {self.timeout_s}"),
            (self.max_attempts >= 1, "judge max_attempts must be at least 1"),
            (
                self.token_param in TOKEN_PARAMS,
                f"judge token_param must be one of {', '.join(TOKEN_PARAMS)}",
            ),
            (
                self.reasoning_effort is None or self.reasoning_effort in REASONING_EFFORTS,
                f"--judge-reasoning-effort must be one of {', '.join(REASONING_EFFORTS)}, "
                f"not {self.reasoning_effort!r}",
            ),
            (self.reply_format in ("plain", "harmony"), "judge reply_format: plain or harmony"),
        ]
        for ok, message in checks:
            if not ok:
                raise UserError(message)

    def missing_key_message(self) -> str:
        return (
            f"the LLM judge needs {self.key_var} (environment or .env file); "
            "set it, or pass --no-judge to skip judge metrics"
        )

    def fingerprint(self, prompt: JudgePrompt | None = None) -> dict[str, Any]:
        """Everything that changes the judge's replies, and nothing that only changes speed.

        A pure function of the settings and the prompt. Fields:
        `model` (requested id, the Azure deployment for Azure), `provider`, `endpoint` (host
        of the base URL), `azure_api_version` (None off Azure), `runs`, `mode`, `seeds`,
        `temperature`, `max_tokens`, `token_param`, `reask` (re-asks per unparseable reply,
        0 = the protocol), `profile`, `reasoning_effort`, `reply_format` (how the answer is
        read: plain, or harmony channels); with a prompt also `prompt_version`,
        `prompt_sha256_system`, `prompt_sha256_user` (a metric's scorer fingerprint lists
        its prompt apart). Left out on purpose: concurrency, rps, batch vs online,
        timeouts, attempts, back-off, cache folder, prices, key."""
        fp: dict[str, Any] = {
            "model": self.model,
            "provider": self.provider,
            "endpoint": self.host or "api.openai.com",
            "azure_api_version": self.api_version,
            "runs": self.runs,
            "mode": self.mode,
            "seeds": self.seeds,
            "temperature": float(self.temperature),
            "max_tokens": self.max_tokens,
            "token_param": self.token_param,
            "reask": self.reask,
            "profile": self.profile,
            "reasoning_effort": self.reasoning_effort,
            "reply_format": self.reply_format,
        }
        if prompt is not None:
            fp["prompt_version"] = prompt.version
            fp["prompt_sha256_system"] = prompt.sha256_system
            fp["prompt_sha256_user"] = prompt.sha256_user
        return fp

    def card(self) -> dict[str, Any]:
        """The run card's judge record: the fingerprint fields plus how it was run."""
        fp = self.fingerprint()  # the prompt is per metric, under `prompts` and `fingerprints`
        return {
            **fp,
            "base_url_host": fp["endpoint"],
            "batch": self.batch,
            "concurrency": self.concurrency if self.concurrency is not None else "auto",
            "rps": self.rps if self.rps is not None else "auto",
            "max_attempts": self.max_attempts,
            "timeout_s": self.timeout_s,
        }
