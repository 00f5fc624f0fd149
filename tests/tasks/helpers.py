"""Reading a run folder back (samples, summary, saved images) and prompt snapshots."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from PIL import Image

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
UPDATE = os.environ.get("EVAL_MM_UPDATE_SNAPSHOTS") == "1"

ALL_TASKS = (
    "japanese-heron-bench",
    "ja-vlm-bench-in-the-wild",
    "ja-vg-vqa-500",
    "ja-vg-vqa-500-first",
    "jdocqa",
    "mecha-ja",
    "jmmmu",
    "synthdog-ja",
    "jic-vqa",
    "cvqa-ja",
    "ja-multi-image-vqa",
    "cc-ocr-ja",
    # the 2026 suite
    "jawildtext-handwriting-ocr",
    "jawildtext-receipt-kie",
    "jawildtext-board-vqa",
    "llava-bench-in-the-wild-en",
    "mmmu",
    "ai2d",
    "chartqa",
    "chartqapro",
    "docvqa",
    "infovqa",
    "textvqa",
    "okvqa",
    "jammeval-heron-bench",
    "jammeval-ja-vlm-bench",
    "jammeval-jdocqa",
    "jammeval-jgraphqa",
    "jammeval-ja-multi-image-vqa",
    "jammeval-cc-ocr-vqa",
    "jammeval-cvqa",
)
# One command per model runs them all: the two groups of the 2026 suite plus the rest.
TASK_ARG = "llmjp-board-2026,jammeval,ja-vg-vqa-500-first,synthdog-ja,jic-vqa"


def judge_flags(base_url: str) -> list[str]:
    return [
        "--judge-base-url",
        base_url,
        "--judge-model",
        "fake-judge",
        "--judge-runs",
        "2",
        "--judge-concurrency",
        "4",
        "--no-progress",
    ]


def find_runs(results: Path) -> dict[str, Path]:
    """task id -> run folder (one run per task under `results`)."""
    runs: dict[str, Path] = {}
    for card in results.rglob("run.json"):
        task = json.loads(card.read_text(encoding="utf-8"))["task"]["id"]
        assert task not in runs, f"two runs of {task}"
        runs[task] = card.parent
    return runs


def samples(run: Path) -> list[dict[str, Any]]:
    lines = (run / "samples.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def summary(run: Path) -> dict[str, Any]:
    return json.loads((run / "summary.json").read_text(encoding="utf-8"))


def card(run: Path) -> dict[str, Any]:
    return json.loads((run / "run.json").read_text(encoding="utf-8"))


def value(run: Path, metric: str) -> float:
    metrics = summary(run)["metrics"]
    assert metric in metrics, f"{metric} not scored; have {sorted(metrics)}"
    v = metrics[metric]["value"]
    assert v is not None, f"{metric} has no value: {metrics[metric]}"
    return float(v)


def extremes(
    oracle: Path, wrong: Path, metrics: tuple[str, ...], best: float = 100.0, worst: float = 0.0
) -> None:
    """The oracle reaches each metric's maximum and the wrong-answer model its minimum."""
    import pytest

    for metric in metrics:
        assert value(oracle, metric) == pytest.approx(best), metric
        assert value(wrong, metric) == pytest.approx(worst), metric


def layout(rec: dict[str, Any]) -> str:
    """The user turn as text: image parts as [image], text parts verbatim, in order."""
    parts = []
    for m in rec["messages"]:
        for p in m["content"]:
            parts.append("[image]" if p["type"] == "image" else p["text"])
    return "".join(p if p == "[image]" else f"<<{p}>>" for p in parts)


def colours(run: Path, rec: dict[str, Any]) -> list[tuple[int, ...]]:
    """The colour of each saved image of a sample, in message order."""
    out = []
    for rel in rec["images"]:
        with Image.open(run / rel) as img:
            pixel = img.convert("RGB").getpixel((0, 0))
            assert isinstance(pixel, tuple)
            out.append(tuple(pixel))
    return out


def check_snapshot(name: str, run: Path) -> None:
    """Every sample's id, references and exact message layout must match the snapshot."""
    text = "".join(
        f"### {r['id']}\nreferences: {json.dumps(r['references'], ensure_ascii=False)}\n"
        f"{layout(r)}\n"
        for r in samples(run)
    )
    path = SNAPSHOTS / f"{name}.txt"
    if UPDATE or not path.exists():
        if not UPDATE:
            raise AssertionError(
                f"no snapshot {path}; run with EVAL_MM_UPDATE_SNAPSHOTS=1 and review it"
            )
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), (
        f"prompt of {name} changed; if intended, bump the task version and refresh the snapshot "
        "with EVAL_MM_UPDATE_SNAPSHOTS=1"
    )
