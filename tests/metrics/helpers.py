"""Helpers for metric tests: synthetic samples only."""

from __future__ import annotations

from typing import Any

from eval_mm.core.sample import Sample, user_turn


def make_sample(
    refs: list[str] | str, sid: str = "s0", prompt: str = "q", **metadata: Any
) -> Sample:
    refs_list = [refs] if isinstance(refs, str) else list(refs)
    return Sample(id=sid, messages=user_turn(prompt), references=refs_list, metadata=metadata)


def score(metric: str, sample: Sample, output: str) -> Any:
    """One item through the registered scorer, with its reasoning rule applied (as the
    scoring phase does)."""
    from eval_mm.core.scoring import ScoreContext
    from eval_mm.reasoning import score_outputs
    from eval_mm.registries import METRICS

    return score_outputs(METRICS.get(metric)(), [sample], [output], ScoreContext())[0]
