"""Heron-Bench relative scores: `heron_rel` (strict), `heron_rel_legacy`, `heron_rel_original`
(metrics.md §12). The headline is computed per judge run, then averaged over runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from eval_mm.core.aggregate import MetricSummary
from eval_mm.core.bootstrap import Statistic
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
    heron_statistic,
    heron_strict,
    pooled_rel,
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

    def pairs(self, scores: Sequence[Score]) -> np.ndarray:
        """items x runs x (reference, model) as parsed per run; NaN where unscored/missing."""
        out = np.full((len(scores), run_count(scores), 2), np.nan)
        for i, s in enumerate(scores):
            for k, rec in enumerate((s.details.get("runs") or [])[: out.shape[1]]):
                if rec.get("parsed") is not None:
                    out[i, k] = rec["parsed"][:2]
        return out

    def statistic(self, samples: Sequence[Sample], scores: Sequence[Score]) -> Statistic:
        """The headline (per run, then the mean over runs) with one unit per item, so the
        interval resamples items (or their images) with all their judge runs."""
        cats = [str(s.metadata.get("category", "")) for s in samples]
        return heron_statistic(cats, self.pairs(scores), self.variant, [s.id for s in samples],
                               [s.metadata for s in samples])

    def aggregate(
        self,
        samples: Sequence[Sample],
        scores: Sequence[Score],
        breakdown_keys: Sequence[str] = (),
        seed: int = 0,
    ) -> MetricSummary:
        summary = super().aggregate(samples, scores, breakdown_keys, seed)
        return replace(summary, breakdown=self.breakdown(samples, scores, breakdown_keys,
                                                         summary.extra["categories"]))

    def breakdown(
        self, samples: Sequence[Sample], scores: Sequence[Score], keys: Sequence[str],
        categories: dict[str, float | None],
    ) -> dict[str, dict[str, dict[str, Any]]]:
        """Relative scores per group, never raw 1-10 means: by `category`, the headline's own
        category scores; by any other key, `pooled_rel` of the group's items."""
        pairs = self.pairs(scores)
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for key in keys:
            groups: dict[str, list[int]] = {}
            for i, s in enumerate(samples):
                if key in s.metadata:
                    groups.setdefault(str(s.metadata[key]), []).append(i)
            table = {}
            for g, rows in sorted(groups.items()):
                n = sum(scores[i].value is not None for i in rows)
                value = categories.get(g) if key == "category" else pooled_rel(pairs[rows],
                                                                              self.variant)
                table[g] = {"value": value, "n": n}
            out[key] = table
        return out


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
