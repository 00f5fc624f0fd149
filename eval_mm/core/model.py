"""Models turn batches of samples' chat messages into text."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, ClassVar

from eval_mm.core.sample import Sample


@dataclass(frozen=True)
class GenerationConfig:
    """Decoding settings. The default is the reference library's (greedy, 1024 new tokens)."""

    max_new_tokens: int = 1024
    temperature: float = 0.0
    top_p: float = 1.0
    num_beams: int = 1
    do_sample: bool = False
    seed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, **changes: Any) -> GenerationConfig:
        known = {k: v for k, v in changes.items() if v is not None}
        return replace(self, **known)

    def with_overrides(self, overrides: dict[str, Any]) -> GenerationConfig:
        """Settings laid over this config; keys that are not fields (repetition_penalty, ...)
        go to `extra`, which adapters pass through to their backend."""
        names = {f.name for f in fields(self)} - {"extra"}
        known = {k: v for k, v in overrides.items() if k in names}
        extra = {**self.extra, **{k: v for k, v in overrides.items() if k not in names}}
        return replace(self, **known, extra=extra)


# Named profiles (spec tasks.md §0.3).
PROFILES: dict[str, GenerationConfig] = {
    "default": GenerationConfig(),
    "llmjp-leaderboard": GenerationConfig(max_new_tokens=256),
}


# Adapter settings that change speed or placement, not outputs: a resume may change them.
THROUGHPUT_SETTINGS = frozenset(
    {
        "batch_size",
        "micro_batch_size",
        "device",
        "device_map",
        "workers",
        "transformers",
        "dtype_loaded",
        "concurrency",
        "max_attempts",
        "timeout_s",
    }
)


def output_settings(settings: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in settings.items() if k not in THROUGHPUT_SETTINGS}


@dataclass(frozen=True)
class GenerationFailure:
    """A per-sample failure a backend isolated itself (the batch went on). `kind` says
    whether a rerun may fix it (`transient`: a timeout, a server error) or not."""

    reason: str
    kind: str = "permanent"


@dataclass(frozen=True)
class Generation:
    """A model's reply to one sample, with what the backend says about it.

    `finish_reason` is "length" when the reply was cut by `max_new_tokens` (or the context),
    "stop" when the model ended it, None when the backend cannot tell. `reasoning` holds
    reasoning an API returned apart from the answer (`reasoning_content`); reasoning inside
    the text (`<think>...</think>`) is separated at scoring time (eval_mm.reasoning)."""

    text: str
    finish_reason: str | None = None
    reasoning: str | None = None
    output_tokens: int | None = None
    reasoning_tokens: int | None = None
    # The prompt itself opened a `<think>` block (Qwen3 Thinking templates end with one): the
    # text then has no opening tag, and a text without `</think>` is all reasoning.
    prompt_opened_reasoning: bool = False


ModelOutput = str | Generation | GenerationFailure


class Model(ABC):
    """A model adapter.

    `generate` receives a batch of at most `batch_size` samples and returns one output per
    sample, in order. It reads only `sample.messages` (the oracle, a debugging model, is the
    one exception). Raising fails the whole batch; the runner then retries its samples one
    at a time so that a single bad sample is recorded without losing the others.
    """

    name: ClassVar[str] = "model"
    batch_size: int = 1
    # Libraries whose version changes this backend's outputs (major.minor is in the identity).
    output_libraries: ClassVar[tuple[str, ...]] = ()
    # True only for debugging models that read a sample's references (the oracle): their
    # predictions then depend on the gold as well as on the messages.
    reads_references: ClassVar[bool] = False
    # How this model's output carries reasoning: "none", "think_tags" or "api" (see
    # eval_mm.models.catalog.Reasoning). A reasoning model's `default_max_new_tokens` is the
    # budget used when the user gives no --max-new-tokens (the runner records it).
    reasoning: str = "none"
    default_max_new_tokens: int | None = None

    @property
    @abstractmethod
    def model_id(self) -> str: ...

    @abstractmethod
    def generate(
        self, samples: Sequence[Sample], config: GenerationConfig
    ) -> list[ModelOutput]: ...

    def card(self) -> dict[str, Any]:
        """What the run card records about the model (id, revision, backend, settings)."""
        return {"id": self.model_id, "backend": self.name, "revision": None}

    def fingerprint(self) -> dict[str, Any]:
        """Everything besides the generation config that decides this model's outputs: the
        weights (a hub commit, or the content of a local folder), the backend and its
        output-changing settings; never speed or placement settings (batch size, device).
        Adapters with weights or endpoints extend it."""
        card = self.card()
        return {
            "backend": card.get("backend", self.name),
            "id": self.model_id,
            "revision": card.get("revision"),
            "settings": output_settings(card.get("settings") or {}),
        }

    def take_usage(self) -> dict[str, Any] | None:
        """The bill of the API requests sent since the last call, as a ledger entry
        (eval_mm.judges.ledger.Ledger.to_json: requests, tokens, cost); the runner stores it
        in the run folder. None for models that pay per request nothing (local weights)."""
        return None

    def close(self) -> None:
        """Release resources (GPU memory, worker processes)."""
