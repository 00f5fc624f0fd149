"""A reasoning model's answer budget: used when no --max-new-tokens is given, never over an
explicit flag or a reproduction profile, recorded in the card and the identity; outputs that
thought and gave no answer are counted."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest

from eval_mm.core.model import GenerationConfig, Model, ModelOutput
from eval_mm.core.sample import Sample
from eval_mm.core.scoring import ScoreContext
from eval_mm.core.task import TaskOptions
from eval_mm.decoding import resolve_generation
from eval_mm.run import RunOptions, evaluate
from eval_mm.store import read_jsonl
from tests.models.tinytask import TinyMultiImage


class Thinker(Model):
    """Thinks in `<think>` tags; leaves the answer out for questions about Tokyo (as a model
    cut while thinking does)."""

    name: ClassVar[str] = "thinker"
    reasoning = "think_tags"

    def __init__(self, budget: int | None = 4096, recommended: dict[str, Any] | None = None):
        self.default_max_new_tokens = budget
        self.recommended = recommended or {}
        self.seen: list[int] = []

    @property
    def model_id(self) -> str:
        return "thinker"

    def card(self) -> dict[str, Any]:
        return {**super().card(), "generation_overrides": self.recommended}

    def generate(self, samples: Sequence[Sample], config: GenerationConfig) -> list[ModelOutput]:
        self.seen.append(config.max_new_tokens)
        return [
            "<think>東京について考える" if "東京" in s.messages[0].text else "<think>色</think>赤"
            for s in samples
        ]


class LongAnswers(TinyMultiImage):
    generation = GenerationConfig(max_new_tokens=2048)


def _run(tmp_path: Path, model: Thinker, **opts: Any) -> dict[str, Any]:
    task = TinyMultiImage(TaskOptions())
    options = RunOptions(results_dir=tmp_path, progress=False, save_images=False, **opts)
    result = evaluate(task, model, options, ScoreContext())
    card: dict[str, Any] = json.loads((result.run_dir / "run.json").read_text(encoding="utf-8"))
    card["_preds"] = read_jsonl(result.run_dir / "predictions.jsonl")
    return card


def test_a_reasoning_model_gets_its_budget_when_no_flag_is_given(tmp_path: Path) -> None:
    model = Thinker(4096)
    card = _run(tmp_path, model)
    assert model.seen and set(model.seen) == {4096}
    assert card["generation"]["max_new_tokens"] == 4096
    assert card["generation_budget_source"] == "model reasoning budget"
    assert card["identity"]["generation"]["max_new_tokens"] == 4096  # another budget, another run
    # q01, q04, q07 ask about Tokyo: they reasoned and gave no final answer
    assert card["counts"]["no_final_answer"] == 3
    assert card["counts"]["truncated"] == 0  # a plain string output cannot say it was cut
    assert len(card["_preds"]) == 8


def test_an_explicit_flag_and_a_reproduction_profile_win_over_the_budget(tmp_path: Path) -> None:
    flagged = Thinker(4096)
    card = _run(tmp_path / "a", flagged, generation_overrides={"max_new_tokens": 64})
    assert set(flagged.seen) == {64} and card["generation_budget_source"] == "flag"
    board = Thinker(4096)
    card = _run(tmp_path / "b", board, profile="llmjp-leaderboard")
    assert set(board.seen) == {256}
    assert card["generation_budget_source"] == "profile llmjp-leaderboard"


def test_precedence_of_task_model_budget_recommended_and_flags() -> None:
    task = TinyMultiImage(TaskOptions())
    long_task = LongAnswers(TaskOptions())
    plain = Thinker(None)
    assert resolve_generation(task, "default", {}, plain) == (GenerationConfig(), "default")
    gen, src = resolve_generation(long_task, "default", {}, plain)
    assert (gen.max_new_tokens, src) == (2048, "task")
    # a budget smaller than the task's answer budget does not shrink it
    gen, src = resolve_generation(long_task, "default", {}, Thinker(1500))
    assert (gen.max_new_tokens, src) == (2048, "task")
    gen, src = resolve_generation(long_task, "default", {}, Thinker(8192))
    assert (gen.max_new_tokens, src) == (8192, "model reasoning budget")
    rec = Thinker(8192, {"max_new_tokens": 300, "repetition_penalty": 1.2})
    gen, src = resolve_generation(task, "default", {}, rec)
    assert (gen.max_new_tokens, src) == (300, "model recommended")
    assert gen.extra == {"repetition_penalty": 1.2}
    gen, src = resolve_generation(task, "default", {"max_new_tokens": 32, "seed": 3}, rec)
    assert (gen.max_new_tokens, gen.seed, src) == (32, 3, "flag")


@pytest.mark.parametrize(
    ("flags", "temperature"),
    [
        ({"do_sample": True}, 1.0),  # sampling at 0 would be greedy: the usual default
        ({"do_sample": True, "temperature": 0.7}, 0.7),
        ({"do_sample": None}, 0.0),
    ],
)
def test_sampling_without_a_temperature_samples_at_one(
    flags: dict[str, Any], temperature: float
) -> None:
    gen, _ = resolve_generation(TinyMultiImage(TaskOptions()), "default", flags, None)
    assert gen.temperature == temperature
    assert gen.do_sample is bool(flags.get("do_sample"))
