"""`openai:NAME`: any OpenAI-compatible chat endpoint (OpenAI, Azure, `vllm serve`, ...).

Requests go through the judge engine's client (eval_mm.judges.engine): the same bounded
concurrency, retry-after handling, back-off with jitter and attempt cap. Nothing is cached:
the run's predictions.jsonl is the record. A request that still fails is recorded as that
sample's failure; the rest of the batch goes on.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from eval_mm.core.model import (
    Generation,
    GenerationConfig,
    GenerationFailure,
    Model,
    ModelOutput,
)
from eval_mm.core.options import Options, option, parse_options
from eval_mm.core.sample import Sample
from eval_mm.errors import UserError
from eval_mm.models.openai_chat import openai_messages


class _NoCache:
    def get(self, key: str) -> None:
        return None

    def put(self, key: str, value: Any) -> None:
        pass


def _engine(settings: Any) -> Any:
    from eval_mm.judges.engine import JudgeEngine, JudgeRequest

    class GenerationEngine(JudgeEngine):
        """The judge engine with model-generation parameters and no cache."""

        params: dict[str, Any]

        def _params(self, req: JudgeRequest) -> dict[str, Any]:
            return {"model": self.settings.model, "messages": req.messages, **self.params}

        def close(self) -> None:
            self._closed = True  # no judge bill line for model calls
            super().close()

    engine = GenerationEngine(settings)
    engine.cache = _NoCache()  # type: ignore[assignment]
    engine.params = {}
    return engine


def api_params(config: GenerationConfig) -> dict[str, Any]:
    """Chat-completion parameters for a generation config (greedy: temperature 0)."""
    if config.num_beams != 1:
        raise UserError("OpenAI-compatible APIs have no beam search; use --num-beams 1")
    params: dict[str, Any] = {
        "max_tokens": config.max_new_tokens,
        "temperature": config.temperature if config.do_sample else 0.0,
        "top_p": config.top_p,
        "seed": config.seed,
    }
    params.update(config.extra)
    return params


@dataclass(frozen=True)
class OpenAIOptions(Options):
    base_url: str | None = option(None, help="server URL (default OPENAI_BASE_URL or OpenAI)")
    api_key_env: str = option(
        "OPENAI_API_KEY", affects_output=False, help="environment variable holding the key"
    )
    api_key: str | None = option(
        None, affects_output=False, secret=True, help="the key itself (prefer api_key_env)"
    )
    image_detail: Literal["low", "high", "auto"] | None = option(None, help="image detail level")
    concurrency: int = option(8, min=1, affects_output=False, help="requests in flight")
    max_attempts: int = option(5, min=1, affects_output=False, help="tries per request")
    timeout_s: float = option(
        120.0, min=0, min_exclusive=True, affects_output=False, help="seconds per request"
    )
    batch_size: int = option(64, min=1, affects_output=False, help="samples per call")


class OpenAIModel(Model):
    name = "openai"

    def __init__(self, name: str, **options: Any) -> None:
        from eval_mm.judges.settings import JudgeSettings

        self.options = opts = parse_options(OpenAIOptions, options, "openai model")
        self._name = name
        self.base_url = opts.base_url or os.environ.get("OPENAI_BASE_URL") or None
        try:
            host = urlsplit(self.base_url).hostname if self.base_url else "api.openai.com"
        except ValueError as exc:
            raise UserError(f"openai model option base_url: {exc}") from None
        if self.base_url and not host:
            raise UserError("openai model option base_url must be a URL such as http://host:8000/v1")
        key = opts.api_key or os.environ.get(opts.api_key_env)
        if not key and host == "api.openai.com":
            raise UserError(f"openai:{name} needs {opts.api_key_env} in the environment")
        self.host = host
        self.batch_size = opts.batch_size
        self.image_detail = opts.image_detail
        settings = JudgeSettings(
            model=name,
            base_url=self.base_url,
            concurrency=opts.concurrency,
            max_attempts=opts.max_attempts,
            timeout_s=opts.timeout_s,
            provider="openai" if host == "api.openai.com" else "compatible",
        )
        settings.api_key = key or "EMPTY"  # local servers usually need no key
        self.settings = settings
        self.engine = _engine(settings)
        self.reported_models: set[str] = set()

    @property
    def model_id(self) -> str:
        return self._name

    def card(self) -> dict[str, Any]:
        return {
            "id": self._name,
            "backend": "openai-api",
            "revision": None,
            "host": self.host,
            "api_model": self._name,
            # `settings` feed the run identity: only what changes the replies goes there, so
            # that a rerun with another concurrency or timeout resumes the same run.
            "settings": {"image_detail": self.image_detail, "images": "PNG data URLs"},
            "client": {
                "concurrency": self.settings.concurrency,
                "max_attempts": self.settings.max_attempts,
                "timeout_s": self.settings.timeout_s,
            },
            "models_reported": sorted(self.reported_models),
        }

    def fingerprint(self) -> dict[str, Any]:
        """The endpoint (scheme, host, port and path; never credentials) and model name."""
        parts = urlsplit(self.base_url or "https://api.openai.com/v1")
        host = parts.hostname or ""
        endpoint = f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")
        return {**super().fingerprint(), "endpoint": endpoint + parts.path.rstrip("/")}

    def generate(self, samples: Sequence[Sample], config: GenerationConfig) -> list[ModelOutput]:
        from eval_mm.judges.engine import JudgeRequest

        self.engine.params = api_params(config)
        reqs = [
            JudgeRequest(
                key=s.id,
                messages=openai_messages(s.messages, self.image_detail),
                seed=config.seed,
                label=s.id,
            )
            for s in samples
        ]
        # The engine sends equal keys once; sample ids are unique within a batch.
        replies = self.engine.judge(reqs)
        out: list[ModelOutput] = []
        for reply in replies:
            if reply.status == "ok" and reply.texts:
                if reply.model:
                    self.reported_models.add(reply.model)
                finish = reply.finish_reasons[0] if reply.finish_reasons else None
                tokens = (reply.usage or {}).get("completion_tokens")
                out.append(Generation(reply.texts[0], finish, output_tokens=tokens))
            else:
                kind = reply.error_kind or "permanent"
                out.append(GenerationFailure(f"api: {reply.error or reply.status}", kind))
        return out

    def close(self) -> None:
        self.engine.close()
