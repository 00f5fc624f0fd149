"""`openai:NAME`: any OpenAI-compatible chat endpoint (OpenAI, Azure, `vllm serve`, ...).

Requests go through the same chat client as the judge's (eval_mm.judges.client, role
"generation"): bounded concurrency, pacing, retry-after handling, back-off with jitter and
an attempt cap. Nothing is cached: the run's predictions.jsonl is the record. A request that
still fails is recorded as that sample's failure; the rest of the batch goes on. Tokens and
cost go to a ledger the runner stores in the run folder (`generation_ledger.json`).

Reasoning models: `reasoning=think_tags|api` says where the model puts its reasoning and
raises the default answer budget (eval_mm.models.catalog.REASONING_MAX_NEW_TOKENS); the
token limit then goes as `max_completion_tokens` (OpenAI's reasoning models refuse
`max_tokens`). Reasoning an API returns apart (`reasoning_content`, or `reasoning`) and its
token count (`usage.completion_tokens_details.reasoning_tokens`) are kept per prediction.
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
from eval_mm.judges.client import ChatClient, ClientSettings
from eval_mm.models.catalog import REASONING_MAX_NEW_TOKENS
from eval_mm.models.openai_chat import openai_messages

TokenParam = Literal["max_tokens", "max_completion_tokens"]  # judges.settings.TOKEN_PARAMS


def api_params(config: GenerationConfig, token_param: str = "max_tokens") -> dict[str, Any]:
    """Chat-completion parameters for a generation config (greedy: temperature 0)."""
    if config.num_beams != 1:
        raise UserError("OpenAI-compatible APIs have no beam search; use --num-beams 1")
    params: dict[str, Any] = {
        token_param: config.max_new_tokens,
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
    price_in: float | None = option(
        None, min=0, affects_output=False, help="USD per 1M prompt tokens, for the bill"
    )
    price_out: float | None = option(
        None, min=0, affects_output=False, help="USD per 1M completion tokens, for the bill"
    )
    reasoning: Literal["none", "think_tags", "api"] = option(
        "none",
        help="where the model puts its reasoning: none, think_tags (<think> in the text) or "
        "api (a reasoning_content field); not none raises the default --max-new-tokens",
    )
    reasoning_effort: Literal["none", "minimal", "low", "medium", "high", "xhigh"] | None = (
        option(None, help="reasoning_effort sent with each request (reasoning models)")
    )
    token_param: TokenParam | None = option(
        None,
        help="name of the token limit: max_tokens, or max_completion_tokens (default for "
        "reasoning models and with reasoning_effort)",
    )


class OpenAIModel(Model):
    name = "openai"

    def __init__(self, name: str, **options: Any) -> None:
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
        self.reasoning = opts.reasoning
        if opts.reasoning != "none":
            self.default_max_new_tokens = REASONING_MAX_NEW_TOKENS
        self.reasoning_effort = opts.reasoning_effort
        # Reasoning models count thinking and answer against one limit, and OpenAI's refuse
        # `max_tokens`; vLLM and most compatible servers accept either name.
        reasons = opts.reasoning != "none" or opts.reasoning_effort is not None
        self.token_param: TokenParam = opts.token_param or (
            "max_completion_tokens" if reasons else "max_tokens"
        )
        settings = ClientSettings(
            model=name,
            base_url=self.base_url,
            concurrency=opts.concurrency,
            max_attempts=opts.max_attempts,
            timeout_s=opts.timeout_s,
            provider="openai" if host == "api.openai.com" else "compatible",
            key_var=opts.api_key_env,
        )
        if (opts.price_in is None) != (opts.price_out is None):
            raise UserError("openai model options price_in and price_out go together")
        if opts.price_in is not None and opts.price_out is not None:
            settings.prices = {name: (opts.price_in, opts.price_out)}
        settings.api_key = key or "EMPTY"  # local servers usually need no key
        self.settings = settings
        self.client = ChatClient(settings, role="generation")
        self._ledger = self.client.new_ledger()  # since the last take_usage()
        self.reported_models: set[str] = set()
        self._reported_since: set[str] = set()

    @property
    def model_id(self) -> str:
        return self._name

    def _output_settings(self) -> dict[str, Any]:
        """What changes the replies besides the generation config. Reasoning settings are
        listed only when set, so that runs made before they existed keep their identity."""
        settings: dict[str, Any] = {"image_detail": self.image_detail, "images": "PNG data URLs"}
        if self.reasoning != "none":
            settings["reasoning"] = self.reasoning
        if self.reasoning_effort is not None:
            settings["reasoning_effort"] = self.reasoning_effort
        if self.token_param != "max_tokens":
            settings["token_param"] = self.token_param
        return settings

    def card(self) -> dict[str, Any]:
        return {
            "id": self._name,
            "backend": "openai-api",
            "revision": None,
            "host": self.host,
            "api_model": self._name,
            "reasoning": self.reasoning,
            # `settings` feed the run identity: only what changes the replies goes there, so
            # that a rerun with another concurrency or timeout resumes the same run.
            "settings": self._output_settings(),
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

    def request_body(self, sample: Sample, config: GenerationConfig) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self._name,
            "messages": openai_messages(sample.messages, self.image_detail),
            **api_params(config, self.token_param),
        }
        if self.reasoning_effort is not None:
            body["reasoning_effort"] = self.reasoning_effort
        return body

    def generate(self, samples: Sequence[Sample], config: GenerationConfig) -> list[ModelOutput]:
        replies = self.client.send([self.request_body(s, config) for s in samples], self._ledger)
        self.client.raise_if_fatal()  # a rejected key or unknown model stops the run
        out: list[ModelOutput] = []
        for reply in replies:
            if reply.status == "ok" and reply.texts:
                if reply.model:
                    self.reported_models.add(reply.model)
                    self._reported_since.add(reply.model)
                usage = reply.usage or {}
                out.append(
                    Generation(
                        reply.texts[0],
                        reply.finish_reasons[0] if reply.finish_reasons else None,
                        reasoning=reply.reasonings[0] if reply.reasonings else None,
                        output_tokens=usage.get("completion_tokens"),
                        reasoning_tokens=usage.get("reasoning_tokens"),
                    )
                )
            else:
                kind = reply.error_kind or "permanent"
                out.append(GenerationFailure(f"api: {reply.error or reply.status}", kind))
        return out

    def take_usage(self) -> dict[str, Any] | None:
        """The ledger entry of the requests sent since the last call (the runner stores it
        in the run folder the requests were for), with the models the API reported."""
        entry = self._ledger.to_json()
        # Which model the API says answered (an alias resolves to a dated snapshot), and
        # what a vLLM server says it serves: the record of what made these predictions.
        entry["models_reported"] = sorted(self._reported_since)
        if entry["requests"]:
            entry["server"] = self.client.server_info()
        self._ledger, self._reported_since = self.client.new_ledger(), set()
        return entry

    def close(self) -> None:
        self.client.close()  # prints the invocation's generation bill
