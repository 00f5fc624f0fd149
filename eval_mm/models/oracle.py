"""Debugging models: `oracle` answers each sample's reference, `echo-prompt` repeats the prompt.

The oracle checks that every metric of a task reaches its maximum; it is NOT a model and its
results are labelled as such in the run card and the leaderboard.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eval_mm.core.model import GenerationConfig, Model, ModelOutput
from eval_mm.core.options import Options, option, parse_options
from eval_mm.core.sample import Sample
from eval_mm.registries import register_model


@dataclass(frozen=True)
class OracleOptions(Options):
    batch_size: int = option(64, min=1, affects_output=False, help="samples per call")
    # Test hooks: a delay per sample (reproducible interruptions) and ids that raise.
    delay: float = option(0.0, min=0, affects_output=False, help="seconds to sleep per sample")
    fail_ids: list[str] = option([], help="sample ids whose generation raises (a test hook)")


class OracleModel(Model):
    """Debugging model: answers each sample's reference (every metric should hit its maximum)."""

    name = "oracle"
    reads_references = True

    def __init__(self, name: str = "oracle", **options: Any) -> None:
        self.options = parse_options(OracleOptions, options, f"{self.name} model")
        self.batch_size = self.options.batch_size
        self.delay = self.options.delay
        self.fail_ids = set(self.options.fail_ids)

    @property
    def model_id(self) -> str:
        return "oracle"

    def generate(self, samples: Sequence[Sample], config: GenerationConfig) -> list[ModelOutput]:
        if self.delay:
            time.sleep(self.delay * len(samples))
        failing = [s.id for s in samples if s.id in self.fail_ids]
        if failing:
            raise RuntimeError(f"injected failure for {failing[0]}")
        # A task may say what a perfect answer is when it is not the first reference
        # (for example the letter of a multiple-choice item).
        return [str(s.metadata.get("oracle_answer", s.reference)) for s in samples]

    def card(self) -> dict[str, Any]:
        return {
            "id": "oracle",
            "backend": "oracle",
            "revision": None,
            "debug": True,
            "note": "debugging model: answers the reference",
        }


class EchoPromptModel(OracleModel):
    """Answers the prompt text itself: a cheap wrong-answer model for tests and sanity checks."""

    name = "echo-prompt"
    reads_references = False

    @property
    def model_id(self) -> str:
        return "echo-prompt"

    def generate(self, samples: Sequence[Sample], config: GenerationConfig) -> list[ModelOutput]:
        return [s.prompt for s in samples]

    def card(self) -> dict[str, Any]:
        return {
            "id": "echo-prompt",
            "backend": "echo-prompt",
            "revision": None,
            "debug": True,
            "note": "debugging model: repeats the prompt text",
        }


register_model("oracle")(OracleModel)
register_model("echo-prompt")(EchoPromptModel)
