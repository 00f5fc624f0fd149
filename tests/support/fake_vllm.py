"""A stand-in `vllm` module for the adapter's tests (vLLM needs a GPU).

It takes exactly the names recorded from vLLM's source (tests/models/data/vllm_signatures.json)
and refuses others with the TypeError vLLM would raise, records every engine call, answers
each request with a scripted reply and raises on the requests a test marks as bad.
"""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

SIGNATURES = Path(__file__).resolve().parents[1] / "models" / "data" / "vllm_signatures.json"


def signatures() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SIGNATURES.read_text(encoding="utf-8"))
    return data


def check_call(
    sig: dict[str, Any], what: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    """A TypeError, as Python raises it, for a call `sig` would not accept."""
    if len(args) > len(sig["positional"]):
        raise TypeError(f"{what}() takes {len(sig['positional'])} positional arguments")
    taken = set(sig["positional"][: len(args)])
    for name in kwargs:
        if name in taken:
            raise TypeError(f"{what}() got multiple values for argument '{name}'")
        if name not in sig["params"] and not sig["var_keyword"]:
            raise TypeError(f"{what}() got an unexpected keyword argument '{name}'")


def engine_arg_names() -> set[str]:
    """What `LLM(**kw)` accepts: its own parameters, and EngineArgs fields via **kwargs."""
    sig = signatures()
    return set(sig["LLM.__init__"]["params"]) | set(sig["EngineArgs"])


class SamplingParams:
    """Keeps its keyword arguments; refuses names that are not SamplingParams fields."""

    def __init__(self, **kw: Any) -> None:
        unknown = set(kw) - set(signatures()["SamplingParams"])
        if unknown:
            raise TypeError(f"Unexpected keyword argument {sorted(unknown)}")
        self.kw = kw


@dataclass
class Completion:
    text: str
    token_ids: list[int]
    finish_reason: str | None = "stop"


@dataclass
class RequestOutput:
    outputs: list[Completion]


@dataclass
class Tokenizer:
    vocab: dict[str, list[int]] = field(default_factory=lambda: {"</think>": [7]})

    generation_prompt: str = "<|assistant|>"  # what the chat template ends with

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        return self.vocab.get(text, [1] * len(text))

    def apply_chat_template(
        self, conversation: list[dict[str, Any]], add_generation_prompt: bool = False,
        tokenize: bool = True,
    ) -> str:
        turns = "".join(f"<|{m['role']}|>{m['content']}" for m in conversation)
        return turns + (self.generation_prompt if add_generation_prompt else "")


def request_text(request: Any) -> str:
    """The text of a chat request's last part, or a prompt request's prompt."""
    if isinstance(request, dict):
        return str(request["prompt"])
    return str(request[-1]["content"][-1]["text"])


def _default_reply(request: Any) -> Completion:
    text = "答" + request_text(request)
    return Completion(text, list(range(len(text))), "stop")


def _limited(out: Completion, params: Any) -> Completion:
    """max_tokens and min_tokens as vLLM applies them (EOS is held back until min_tokens)."""
    kw = getattr(params, "kw", {})
    ids = out.token_ids + [0] * max(0, kw.get("min_tokens", 0) - len(out.token_ids))
    most = kw.get("max_tokens")
    if most is not None and len(ids) > most:
        return Completion(out.text, ids[:most], "length")
    return Completion(out.text, ids, out.finish_reason)


class LLM:
    """`vllm.LLM`: `bad(request)` true makes any call holding that request raise `error`
    (vLLM validates requests as it adds them, so such a call answers none); `die_on_call`
    makes that call (1-based) raise EngineDeadError."""

    instances: ClassVar[list[LLM]] = []
    # The generation_config.json of the next checkpoint loaded (as vLLM's diff reads it).
    checkpoint: ClassVar[dict[str, Any]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        check_call(signatures()["LLM.__init__"], "LLM.__init__", args, kwargs)
        unknown = set(kwargs) - engine_arg_names()
        if unknown:
            raise TypeError(f"EngineArgs.__init__() got an unexpected keyword argument {unknown}")
        self.kwargs = kwargs
        self.calls: list[tuple[str, list[str]]] = []
        self.call_kwargs: list[dict[str, Any]] = []
        self.params: list[Any] = []
        self.bad: Callable[[Any], bool] = lambda request: False
        self.error: Exception = ValueError(
            "The decoder prompt is longer than the maximum model length"
        )
        self.reply: Callable[[Any], Completion] = _default_reply
        self.die_on_call: int | None = None
        self.generation_config: dict[str, Any] = dict(LLM.checkpoint)
        self.tokenizer = Tokenizer()
        self.model_config = types.SimpleNamespace(try_get_generation_config=self._gen_config)
        LLM.instances.append(self)

    def _gen_config(self) -> dict[str, Any]:
        return dict(self.generation_config)

    def get_tokenizer(self) -> Tokenizer:
        return self.tokenizer

    def _run(
        self, kind: str, requests: list[Any], params: Any, kwargs: dict[str, Any]
    ) -> list[RequestOutput]:
        self.calls.append((kind, [request_text(r) for r in requests]))
        self.call_kwargs.append(kwargs)
        self.params.append(params)
        if self.die_on_call == len(self.calls):
            raise EngineDeadError("EngineCore encountered an issue.")
        limit = (self.kwargs.get("limit_mm_per_prompt") or {}).get("image", 1)
        for r in requests:  # as vLLM validates each request while adding it
            if image_count(r) > limit:
                raise VLLMValidationError(
                    f"At most {limit} image(s) may be provided in one prompt."
                )
        if any(self.bad(r) for r in requests):
            raise self.error
        return [RequestOutput([_limited(self.reply(r), params)]) for r in requests]

    def chat(self, *args: Any, **kwargs: Any) -> list[RequestOutput]:
        check_call(signatures()["LLM.chat"], "LLM.chat", args, kwargs)
        messages, params = [*args, None, None][:2]
        return self._run("chat", list(messages), params, kwargs)

    def generate(self, *args: Any, **kwargs: Any) -> list[RequestOutput]:
        check_call(signatures()["LLM.generate"], "LLM.generate", args, kwargs)
        prompts, params = [*args, None, None][:2]
        return self._run("prompt", list(prompts), params, kwargs)


class VLLMClientError(Exception):
    """vllm.exceptions' classes, matched by name by the adapter."""


class VLLMServerError(Exception):
    pass


class VLLMValidationError(VLLMClientError):
    pass


class EngineGenerateError(VLLMServerError):
    pass


class EngineDeadError(VLLMServerError):
    pass


def image_count(request: Any) -> int:
    if isinstance(request, dict):
        images = (request.get("multi_modal_data") or {}).get("image")
        return 0 if images is None else len(images) if isinstance(images, list) else 1
    return sum(p["type"] == "image_url" for m in request for p in m["content"])


def install(monkeypatch: Any) -> types.ModuleType:
    """Put the fake in sys.modules as `vllm` for one test."""
    module = types.ModuleType("vllm")
    module.__version__ = signatures()["vllm_version"] + "+fake"  # type: ignore[attr-defined]
    module.LLM = LLM  # type: ignore[attr-defined]
    module.SamplingParams = SamplingParams  # type: ignore[attr-defined]
    LLM.instances = []
    LLM.checkpoint = {}
    monkeypatch.setitem(sys.modules, "vllm", module)
    return module
