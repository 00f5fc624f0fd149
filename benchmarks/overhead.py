"""Harness overhead per sample: the oracle model over 10,000 generated samples.

Measures what eval-mm itself costs around a model (select, generate loop, append
predictions, score with the ja-word-ocr metrics, bootstrap, write summary and card),
pinned to one core. Building the samples (text rendering) is timed separately and
excluded. Goal: under 2 ms per sample.

    .venv/bin/python benchmarks/overhead.py [--samples 10000] [--images]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from PIL import Image

from eval_mm.core.sample import Sample, user_turn
from eval_mm.core.scoring import ScoreContext
from eval_mm.core.task import RowSource, Task
from eval_mm.data import source_for
from eval_mm.models import resolve_model
from eval_mm.run import RunOptions, evaluate

WORDS = [
    "東京",
    "大阪",
    "会議",
    "猫",
    "図書館",
    "新幹線",
    "ラーメン",
    "午後三時",
    "天気予報",
    "選択肢",
]


class GeneratedTask(Task):
    id = "overhead-bench"
    version = "1"
    metrics = ("exact_match_nfkc", "anls")
    breakdown_keys = ("variant",)
    prompt_variants = ("default",)

    def __init__(self, n: int, images: bool) -> None:
        super().__init__()
        self.n, self.images = n, images

    def load_rows(self, source: RowSource) -> Iterable[dict[str, Any]]:
        rng = random.Random(0)
        tiny = Image.new("RGB", (32, 16), "white")
        for i in range(self.n):
            yield {
                "i": i,
                "word": rng.choice(WORDS) + str(i % 97),
                "image": tiny if self.images else None,
            }

    def build_samples(self, rows: Iterable[dict[str, Any]]) -> Iterator[Sample]:
        for row in rows:
            imgs = [row["image"]] if row["image"] is not None else []
            yield Sample(
                id=f"s{row['i']:06d}",
                messages=user_turn("画像の文字を読んでください。", imgs),
                references=[row["word"]],
                metadata={"variant": ("small", "large", "random")[row["i"] % 3]},
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=10_000)
    ap.add_argument("--images", action="store_true", help="attach a tiny image to every sample")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    task = GeneratedTask(args.samples, args.images)
    t0 = time.perf_counter()
    samples = list(task.samples(source_for(task)))
    build_s = time.perf_counter() - t0
    task.samples = lambda source: iter(samples)  # type: ignore[method-assign]
    model = resolve_model("oracle", {"batch_size": 64})
    with tempfile.TemporaryDirectory() as tmp:
        opts = RunOptions(results_dir=Path(tmp), save_images=False, progress=False)
        t1 = time.perf_counter()
        result = evaluate(task, model, opts, ScoreContext())
        total = time.perf_counter() - t1
        card_timings = (Path(result.run_dir) / "run.json").read_text(encoding="utf-8")
    per_ms = 1000 * total / args.samples
    print(f"samples               {args.samples}")
    print(f"build samples (excl.) {build_s:.3f} s")
    print(f"harness total         {total:.3f} s  (generate + score + write, one core)")
    print(
        f"per sample            {per_ms:.3f} ms   goal < 2 ms   {'OK' if per_ms < 2 else 'MISSED'}"
    )
    print(
        f"metrics               {result.summary['metrics']['exact_match_nfkc']['value']:.1f} / "
        f"{result.summary['metrics']['anls']['value']:.1f} (oracle: both 100)"
    )
    assert '"status": "complete"' in card_timings


if __name__ == "__main__":
    main()
