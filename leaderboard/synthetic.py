"""Synthetic result stores for tests, benchmarks and demos (no real benchmark content).

Writes run folders in the store's layout with the store's own atomic writers.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval_mm.store import (
    CARD,
    IMAGES_DIR,
    PREDICTIONS,
    SAMPLES,
    SCORES_DIR,
    SUMMARY,
    atomic_write_json,
    atomic_write_jsonl,
    contained,
    slugify,
)


@dataclass
class FakeSample:
    id: str
    question: str
    reference: str
    output: str | None
    scores: dict[str, tuple[float | None, str | None, dict[str, Any]]] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    image_color: tuple[int, int, int] | None = (200, 120, 40)


@dataclass
class FakeMetric:
    value: float | None
    version: str = "1"
    kind: str = "accuracy"
    scale: float = 100.0
    n: int = 10
    unscored: int = 0
    ci: tuple[float, float] | None = None
    breakdown: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def _png(path: Path, color: tuple[int, int, int]) -> None:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (96, 64), color)
    ImageDraw.Draw(img).rectangle((8, 8, 40, 40), fill=(255, 255, 255))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, format="PNG")


def _fingerprint(metric: str, m: FakeMetric, judge: dict[str, Any] | None
                 ) -> tuple[str, dict[str, Any]]:
    """A scorer fingerprint as the scoring phase records it, and its short id."""
    fp: dict[str, Any] = {"metric": metric, "version": m.version, "class": "Synthetic"}
    if m.kind == "judge" and judge is not None:
        prompt = ((judge.get("prompts") or {}).get(metric) or {}).get("version", "unknown")
        fp["judge"] = {"model": judge.get("model"), "endpoint": judge.get("endpoint",
                                                                          "api.openai.com"),
                       "runs": judge.get("runs"), "mode": judge.get("mode"), "temperature": 0.0}
        fp["prompt"] = {"version": prompt}
    return hashlib.sha256(repr(sorted(fp.items())).encode()).hexdigest()[:12], fp


def write_run(
    root: Path,
    model: str,
    task: str,
    metrics: dict[str, FakeMetric],
    *,
    primary: str | None = None,
    debug: bool = False,
    judge: dict[str, Any] | None = None,
    samples: list[FakeSample] | None = None,
    prompt_variant: str = "llmjp",
    limit: int | None = None,
    config: str = "cfg-synthetic0",
    updated: str = "2025-01-01T00:00:00+00:00",
    breakdown_keys: tuple[str, ...] = (),
    fingerprints: bool = True,
    model_card: dict[str, Any] | None = None,
) -> Path:
    """One run folder. With `fingerprints` (the store's layout since scores are kept per
    scorer fingerprint) the summary names each number's fingerprint and the scores live in
    `scores/<metric>/<fp>.jsonl`; without, the older `scores/<metric>.jsonl` and no
    fingerprints. `model_card`: more fields of the card's model record (e.g. `settings`)."""
    folder = contained(root, slugify(model), slugify(task), config)
    folder.mkdir(parents=True, exist_ok=True)
    n = len(samples) if samples else max((m.n for m in metrics.values()), default=0)
    card: dict[str, Any] = {
        "schema": 1, "config_id": config, "status": "complete", "created": updated,
        "updated": updated,
        "harness": {"name": "eval-mm", "version": "0.1.0", "git_commit": None},
        "task": {"id": task, "version": "1", "prompt_variant": prompt_variant,
                 "prompt_hash": "0" * 64, "dataset": {"id": "synthetic/none", "split": "test"},
                 "data": {"rows": n}},
        "model": {"id": model, "backend": "synthetic", "revision": None,
                  **({"debug": True} if debug else {}), **(model_card or {})},
        "generation": {"max_new_tokens": 1024, "temperature": 0.0},
        "generation_profile": "default",
        "selection": {"limit": limit, "limit_seed": 0, "sample_ids_given": False,
                      "num_shards": 1, "shard_index": 0},
        "seeds": {"bootstrap": 0, "generation": 0, "limit": 0},
        "counts": {"samples": n, "errors": 0},
        "timings": {"generate_s": 1.0},
        "scorers": [{"id": k, "version": m.version, "kind": m.kind} for k, m in metrics.items()],
    }
    if judge is not None:
        card["judge"] = judge
    summary = {
        "task": task, "task_version": "1", "model": model, "config_id": config,
        "primary_metric": primary or next(iter(metrics), None),
        "breakdown_keys": list(breakdown_keys), "counts": card["counts"],
        "metrics": {
            k: {"value": m.value, "n": m.n, "unscored": m.unscored,
                "unscored_reasons": {"judge_error": m.unscored} if m.unscored else {},
                "ci_low": m.ci[0] if m.ci else None, "ci_high": m.ci[1] if m.ci else None,
                "scale": m.scale, "extra": m.extra, "breakdown": m.breakdown}
            for k, m in metrics.items()
        },
    }
    fps = {k: _fingerprint(k, m, judge) for k, m in metrics.items()} if fingerprints else {}
    if fps:
        summary["scorers"] = {}
        for k, (fp_id, fp) in fps.items():
            summary["metrics"][k]["fingerprint"] = fp_id
            summary["scorers"][fp_id] = fp
    if samples:
        records, preds = [], []
        scores: dict[str, list[dict[str, Any]]] = {k: [] for k in metrics}
        for i, s in enumerate(samples):
            images = []
            if s.image_color is not None:
                rel = f"{IMAGES_DIR}/{i:06d}_0.png"
                _png(folder / rel, s.image_color)
                images.append(rel)
            records.append({
                "id": s.id,
                "messages": [{"role": "user", "content": [{"type": "image"},
                                                          {"type": "text", "text": s.question}]}],
                "references": [s.reference], "metadata": s.metadata,
                "judge_question": s.question, "images": images,
            })
            preds.append({"id": s.id, "output": s.output, "error": s.error, "seconds": 0.1})
            for metric, (value, reason, details) in s.scores.items():
                scores.setdefault(metric, []).append({
                    "id": s.id, "metric": metric, "version": metrics[metric].version
                    if metric in metrics else "1", "value": value, "reason": reason,
                    "details": details,
                })
        atomic_write_jsonl(folder / SAMPLES, records)
        atomic_write_jsonl(folder / PREDICTIONS, preds)
        for metric, recs in scores.items():
            if recs:
                name = (f"{slugify(metric)}/{fps[metric][0]}.jsonl" if metric in fps
                        else f"{slugify(metric)}.jsonl")
                atomic_write_jsonl(folder / SCORES_DIR / name, recs)
    atomic_write_json(folder / CARD, card)
    atomic_write_json(folder / SUMMARY, summary)
    return folder


# (task id, primary metric, its legacy twin, scale, judged) of a realistic board
BOARD_TASKS = (
    ("japanese-heron-bench", "heron_rel", "heron_rel_legacy", 1.0, True),
    ("ja-vlm-bench-in-the-wild", "judge_1to5", "judge_1to5_legacy", 1.0, True),
    ("ja-vg-vqa-500", "judge_1to5", "judge_1to5_legacy", 1.0, True),
    ("jdocqa", "judge_1to5", "judge_1to5_legacy", 1.0, True),
    ("ja-multi-image-vqa", "judge_1to5", "judge_1to5_legacy", 1.0, True),
    ("mecha-ja", "mecha_acc", "mecha_acc_legacy", 100.0, False),
    ("jmmmu", "jmmmu_acc", "jmmmu_acc_legacy", 100.0, False),
    ("cvqa-ja", "cvqa_acc", "cvqa_acc_legacy", 100.0, False),
    ("jic-vqa", "jic_acc", "jic_acc_legacy", 100.0, False),
    ("cc-ocr-ja", "anls", "ccocr_f1", 100.0, False),
    ("synthdog-ja", "anls", "nls", 100.0, False),
    ("ja-word-ocr", "exact_match_nfkc", "anls", 100.0, False),
)
BOARD_JUDGE = {"model": "gpt-4o-2024-11-20", "runs": 5, "mode": "independent",
               "prompts": {"heron_rel": {"version": "heron_llmjp_v2"},
                           "heron_rel_legacy": {"version": "heron_llmjp_v2"},
                           "judge_1to5": {"version": "judge_1to5_llmjp"},
                           "judge_1to5_legacy": {"version": "judge_1to5_llmjp"}}}
BOARD_MODELS = ("Qwen/Qwen2.5-VL-7B-Instruct", "google/gemma-3-12b-it", "MIL-UT/Asagi-14B",
                "OpenGVLab/InternVL3-8B-hf", "sbintuitions/sarashina2-vision-8b")


def board_store(root: Path, n_models: int = 20, n_tasks: int = 10, seed: int = 0) -> list[str]:
    """A local board as a researcher's store holds it: `n_models` models (catalog models
    first, so metadata shows) x `n_tasks` real task ids, each run over the full benchmark
    size, judged tasks by one judge, a primary and a legacy metric per task. Cards and
    summaries only. Returns the model ids."""
    from eval_mm.leaderboard.taskinfo import full_size

    rng = random.Random(seed)
    models = [*BOARD_MODELS, *(f"org-{i % 7}/model-{i:03d}" for i in range(len(BOARD_MODELS),
                                                                           n_models))]
    models = models[:n_models]
    for i, model in enumerate(models):
        skill = rng.uniform(0.2, 0.9)
        for task, primary, legacy, scale, judged in BOARD_TASKS[:n_tasks]:
            n = full_size(task) or 500
            metrics = {}
            for metric in (primary, legacy):
                if scale == 1.0 and metric.startswith("judge"):
                    v = round(1 + 4 * min(1.0, skill + rng.uniform(-0.1, 0.1)), 4)
                    ci = (v - 0.15, v + 0.15)
                else:
                    v = round(100 * min(1.0, skill + rng.uniform(-0.15, 0.15)), 4)
                    ci = (v - 3.0, v + 3.0)
                metrics[metric] = FakeMetric(v, kind="judge" if judged else "accuracy",
                                             scale=scale, n=n, ci=ci)
            write_run(root, model, task, metrics, primary=primary,
                      judge=BOARD_JUDGE if judged else None, config=f"cfg-board{i:03d}")
    return models


def benchmark_store(root: Path, n_models: int = 200, n_tasks: int = 10, seed: int = 0) -> None:
    """The speed benchmark's store: a 200-model board of `n_tasks` tasks."""
    board_store(root, n_models, n_tasks, seed)
