"""A synthetic multi-image task for model-adapter tests, and a CLI launcher that registers it.

`python -m tests.models.tinytask run --model ... --task tiny-mm` is `eval-mm run ...` with
this task added. Samples have one or two generated images; the text is invented.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from PIL import Image, ImageDraw

from eval_mm.core.options import Options, option
from eval_mm.core.sample import Sample, user_turn
from eval_mm.core.task import RowSource, Task
from eval_mm.registries import TASKS

QUESTIONS = [
    "私は猫です。",
    "東京は大きな都市です。これは何色ですか？",
    "会議は午後三時に始まります。",
]
COLOURS = ["red", "blue", "green", "white", "black", "yellow"]


def image(k: int) -> Image.Image:
    img = Image.new("RGB", (40 + 9 * k, 30 + 5 * k), COLOURS[k % len(COLOURS)])
    ImageDraw.Draw(img).rectangle((4, 4, 14 + k, 14 + k), fill=COLOURS[(k + 2) % len(COLOURS)])
    return img


@dataclass(frozen=True)
class TinyOptions(Options):
    n: int = option(8, min=1, help="samples")


class TinyMultiImage(Task):
    id: ClassVar[str] = "tiny-mm"
    metrics: ClassVar[tuple[str, ...]] = ("exact_match",)
    primary_metric: ClassVar[str | None] = "exact_match"
    options_schema = TinyOptions

    def load_rows(self, source: RowSource) -> Iterable[dict[str, Any]]:
        n = cast(TinyOptions, self.options).n
        self.data_info = {"source": "generated", "rows": n}
        return [{"id": f"q{i:02d}", "k": i} for i in range(n)]

    def build_samples(self, rows: Iterable[dict[str, Any]]) -> Iterator[Sample]:
        for row in rows:
            k = row["k"]
            images = [image(k)] if k % 2 == 0 else [image(k), image(k + 1)]
            prompt = QUESTIONS[k % len(QUESTIONS)] * (1 + k % 3)
            yield Sample(row["id"], user_turn(prompt, images), ["赤"], {"n_images": len(images)})


TASKS.register(TinyMultiImage.id, TinyMultiImage)

if __name__ == "__main__":
    from eval_mm.cli.main import main

    sys.exit(main(sys.argv[1:]))
