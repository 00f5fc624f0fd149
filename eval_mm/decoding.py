"""The generation config a run uses, and where its answer budget came from.

Precedence, most specific first (each level replaces only what it states):

1. the command's flags (`--max-new-tokens`, `--temperature`, `--top-p`, `--num-beams`,
   `--do-sample`, `--seed`);
2. the model's recommended decoding, when asked for (`--model-option generation=recommended`);
3. a named profile other than `default` (`--profile llmjp-leaderboard`: 256 new tokens, as
   the reference leaderboard ran every model, thinking models included: a reproduction
   stays a reproduction);
4. the budget of a reasoning model (`Model.default_max_new_tokens`, set when the model
   thinks before answering), when larger than the task's: thinking takes thousands of
   tokens before the answer a task's budget was sized for;
5. the task's own config (`Task.generation`, e.g. 2048 tokens for page transcriptions);
6. the default: greedy, 1024 new tokens.

Sampling with no temperature stated anywhere samples at temperature 1 (SAMPLING_TEMPERATURE).
The result is recorded in the run card (`generation`, with `generation_budget_source`) and
in the run identity, so a run with another budget is another run.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from eval_mm.core.model import PROFILES, GenerationConfig, Model
from eval_mm.errors import UserError

if TYPE_CHECKING:
    from eval_mm.core.task import Task

# The temperature of sampling when nothing states one (`--do-sample` alone, `--top-p 0.9`):
# the usual default of transformers and the OpenAI API.
SAMPLING_TEMPERATURE = 1.0


def resolve_generation(
    task: Task,
    profile: str,
    flags: dict[str, Any],
    model: Model | None = None,
) -> tuple[GenerationConfig, str]:
    """The config and the source of its `max_new_tokens` (for the card): "flag",
    "model recommended", "profile NAME", "model reasoning budget", "task" or "default".
    `flags` are the command's overrides; None values mean "not given"."""
    if profile not in PROFILES:
        raise UserError(f"unknown generation profile {profile!r}; choose one of {sorted(PROFILES)}")
    if profile != "default":
        base, source = PROFILES[profile], f"profile {profile}"
    elif task.generation is not None:
        base, source = task.generation, "task"
    else:
        base, source = PROFILES["default"], "default"
    budget = model.default_max_new_tokens if model is not None else None
    if profile == "default" and budget is not None and budget > base.max_new_tokens:
        base, source = replace(base, max_new_tokens=budget), "model reasoning budget"
    recommended = (model.card().get("generation_overrides") or {}) if model is not None else {}
    if recommended:
        base = base.with_overrides(recommended)
        if "max_new_tokens" in recommended:
            source = "model recommended"
    if flags.get("max_new_tokens") is not None:
        source = "flag"
    gen = base.updated(**flags)
    if gen.do_sample and gen.temperature == 0 and flags.get("temperature") is None:
        gen = replace(gen, temperature=SAMPLING_TEMPERATURE)  # at 0, "sampling" is greedy
    return gen, source
