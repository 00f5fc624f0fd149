"""Heron-Bench relative scores: `heron_rel` (strict), `heron_rel_legacy`, `heron_rel_original`
(metrics.md §12). The headline is computed per judge run, then averaged over runs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from eval_mm.core.aggregate import BOOTSTRAP_RESAMPLES
from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score
from eval_mm.judges.judge_1to5 import run_count
from eval_mm.judges.prompt import JudgePrompt
from eval_mm.judges.scorer import JudgeScorer
from eval_mm.metrics.heron import (
    CATEGORIES,
    HeronItem,
    HeronResult,
    combine_runs,
    heron_legacy,
    heron_original,
    heron_strict,
)
from eval_mm.metrics.judge_parsing import (
    parse_heron_json_legacy,
    parse_heron_json_strict,
    parse_heron_original_legacy,
    parse_heron_original_strict,
)
from eval_mm.registries import register_metric

AGGREGATE = {"strict": heron_strict, "legacy": heron_legacy, "original": heron_original}


def _mean_or_none(xs: list[float | None]) -> float | None:
    vals = [x for x in xs if x is not None]
    return float(np.mean(vals)) if vals else None


class _Heron(JudgeScorer):
    prompts = ("heron_llmjp_v2", "heron_original_v1")
    rating_scale = (1, 10)  # the model answer's score

    def values(self, sample: Sample, output: str) -> dict[str, str]:
        question = sample.judge_question if sample.judge_question is not None else sample.prompt
        ref = sample.reference
        return {
            "context": str(sample.metadata.get("context", "")),
            "question": question,
            "gpt4o_answer": ref,
            "reference_answer": ref,
            "model_answer": output,
        }

    def parse(self, text: str, prompt: JudgePrompt) -> Any:
        pair: tuple[float, float] | None
        if prompt.version == "heron_llmjp_v2":
            strict = self.variant == "strict"
            pair = parse_heron_json_strict(text) if strict else parse_heron_json_legacy(text)
        elif self.variant == "strict":
            pair = parse_heron_original_strict(text)
        else:  # the authors' float parse, or the reference's 2024 integer parse (snapshot A)
            pair = parse_heron_original_legacy(text, integer=self.variant == "legacy")
        return list(pair) if pair is not None else None

    def reask_parse(self, text: str, prompt: JudgePrompt) -> Any:
        json_prompt = prompt.version == "heron_llmjp_v2"  # every variant re-asks alike
        return (parse_heron_json_strict if json_prompt else parse_heron_original_strict)(text)

    def failure_value(self) -> Any:
        return [-1, -1]

    def item_value(self, parsed: list[Any]) -> float:
        return float(np.mean([p[1] for p in parsed]))  # the model's mean judge score (1-10)

    def per_run(self, samples: Sequence[Sample], scores: Sequence[Score]) -> list[dict[str, Any]]:
        out = []
        for k in range(run_count(scores)):
            items: list[HeronItem] = []
            for sample, s in zip(samples, scores, strict=True):
                runs = s.details.get("runs") or []
                rec = runs[k] if k < len(runs) else None
                pair = rec["parsed"] if rec is not None else None
                if pair is None and self.variant != "strict":
                    pair = self.failure_value()  # legacy: a missing item is a parse failure
                cat = str(sample.metadata.get("category", ""))
                items.append(HeronItem(cat, (pair[0], pair[1]) if pair else None))
            res = AGGREGATE[self.variant](items)
            unscored = res.extra.get("unscored", {})
            out.append(
                {
                    "value": res.headline,
                    "categories": res.rel,
                    "unscored": {c: n for c, n in unscored.items() if n},
                    "overall": res.extra.get("overall"),
                    "parse_error_count": res.extra.get("parse_error_count"),
                }
            )
        return out

    def extra(self, per_run: list[dict[str, Any]]) -> dict[str, Any]:
        # metrics.md §12.5: each rel_c per run, then mean and sample std over runs
        combined = combine_runs([HeronResult(r["value"], r["categories"]) for r in per_run])
        extra: dict[str, Any] = {
            "categories": {c: combined[f"{c}_rel"]["mean"] for c in CATEGORIES},
            "categories_std": {c: combined[f"{c}_rel"]["std"] for c in CATEGORIES},
            "per_run_categories": [r["categories"] for r in per_run],
        }
        if self.variant != "strict":
            extra["overall"] = _mean_or_none([r.get("overall") for r in per_run])
            extra["per_run_parse_error_count"] = [r.get("parse_error_count") for r in per_run]
        if any(r["value"] is None for r in per_run):
            extra["warning"] = (
                "a category had no scored item in some run: that run's headline is undefined"
            )
        return extra

    def ci(
        self, samples: Sequence[Sample], scores: Sequence[Score], seed: int
    ) -> tuple[float, float] | None:
        """Item bootstrap (stratified by category) of the headline on run-averaged pairs."""
        by_cat: dict[str, list[tuple[float, float]]] = {c: [] for c in CATEGORIES}
        for sample, s in zip(samples, scores, strict=True):
            pairs = [
                r["parsed"] for r in s.details.get("runs") or [] if r.get("parsed") is not None
            ]
            pairs = [p for p in pairs if p[1] != -1]
            cat = str(sample.metadata.get("category", ""))
            if pairs and cat in by_cat:
                by_cat[cat].append(
                    (float(np.mean([p[0] for p in pairs])), float(np.mean([p[1] for p in pairs])))
                )
        if any(not v for v in by_cat.values()):
            return None
        rng = np.random.default_rng(seed)
        heads = np.zeros(BOOTSTRAP_RESAMPLES)
        for c in CATEGORIES:
            arr = np.asarray(by_cat[c])
            idx = rng.integers(0, len(arr), size=(BOOTSTRAP_RESAMPLES, len(arr)))
            ref, model = arr[idx, 0].mean(axis=1), arr[idx, 1].mean(axis=1)
            heads += 100 * model / np.maximum(ref, 1e-9) / len(CATEGORIES)
        lo, hi = np.quantile(heads, [0.025, 0.975])
        return float(lo), float(hi)


@register_metric
class HeronRel(_Heron):
    id = "heron_rel"
    version = "1"
    variant = "strict"
    description = (
        "Heron-Bench relative score (strict: unparseable items unscored), mean over judge runs"
    )


@register_metric
class HeronRelLegacy(_Heron):
    id = "heron_rel_legacy"
    version = "1"
    variant = "legacy"
    description = (
        "Heron-Bench relative score as llm-jp-eval-mm (failures -1, category skip counts 0)"
    )


@register_metric
class HeronRelOriginal(_Heron):
    id = "heron_rel_original"
    version = "1"
    variant = "original"
    description = "Heron-Bench relative score as the benchmark authors' script (float parse)"
