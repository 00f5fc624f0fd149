"""JIC-VQA (spec tasks.md §8): Japanese image classification as VQA over four domains
(flowers, food, landmarks, facilities). The hub holds CSVs of image URLs, so the images
are downloaded once by `python scripts/prepare_jic_vqa.py` into a local folder (parquet plus
`manifest.json`), found through `--data`, `EVAL_MM_DATA_JIC_VQA`, `EVAL_MM_DATA_DIR/jic-vqa`
or the preparation script's default folder.

Images are resized to 224 x 224 as in the reference; task option `full_res=true` keeps the
prepared size (not anchor-comparable; prepare with `--full-res`)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from eval_mm.core.options import Options, option
from eval_mm.core.sample import Sample, user_turn
from eval_mm.core.task import DatasetRef, RowSource, Task
from eval_mm.errors import UserError
from eval_mm.registries import register_task
from eval_mm.tasks._common import require_columns, to_rgb

IMAGE_SIZE = (224, 224)
# Checked in this order on the question text [V].
DOMAIN_KEYWORDS = (
    ("花", "jaflower30"),
    ("食べ物", "jafood101"),
    ("ランドマーク", "jalandmark10"),
    ("施設", "jafacility20"),
)
NO_DOMAIN = "none"
MANIFEST = "manifest.json"


def domain_of(question: str) -> str | None:
    for keyword, domain in DOMAIN_KEYWORDS:
        if keyword in question:
            return domain
    return None


def default_prepared_dir() -> Path:
    """Where `scripts/prepare_jic_vqa.py` writes when not told otherwise."""
    root = os.environ.get("EVAL_MM_DATA_DIR")
    if root:
        return Path(root) / "jic-vqa"
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "eval-mm" / "data" / "jic-vqa"


@dataclass(frozen=True)
class JicOptions(Options):
    full_res: bool = option(False, help="send images at full resolution")


@register_task
class JicVqa(Task):
    id = "jic-vqa"
    short_name = "JIC"
    aliases = ("jic",)
    version = "1"
    description = "JIC-VQA: classify flower/food/landmark/facility images (prepared locally)"
    dataset = DatasetRef("line-corporation/JIC-VQA", "train", None, "main")
    metrics = ("jic_acc", "jic_acc_legacy")
    primary_metric = "jic_acc"
    breakdown_keys = ("domain",)
    prompt_variants = ("llmjp",)
    group = "classification"
    options_schema = JicOptions

    def load_rows(self, source: RowSource) -> Iterable[dict[str, Any]]:
        assert self.dataset is not None
        path = source.local_path()
        if path is None and default_prepared_dir().exists():
            path = default_prepared_dir()
        if path is None:
            raise UserError(
                "jic-vqa needs its images downloaded first: "
                "run `python scripts/prepare_jic_vqa.py` "
                f"(writes {default_prepared_dir()}), or point --data at a prepared folder"
            )
        rows = source.load(self.dataset, path=path)
        self.data_info.update(source.info)
        manifest = path / MANIFEST if path.is_dir() else path.parent / MANIFEST
        if manifest.is_file():
            self.data_info["preparation"] = json.loads(manifest.read_text(encoding="utf-8"))
        else:
            self.warnings.append(
                f"no {MANIFEST} next to the data: download date and dropped rows unknown"
            )
        return rows

    def build_samples(self, rows: Iterable[dict[str, Any]]) -> Iterator[Sample]:
        rows = rows if hasattr(rows, "__getitem__") else list(rows)
        questions = (
            rows["question"] if hasattr(rows, "column_names") else [r["question"] for r in rows]
        )
        labels = (
            rows["category"] if hasattr(rows, "column_names") else [r["category"] for r in rows]
        )
        # The labels seen per domain: what the strict metric checks an answer against.
        label_sets: dict[str, set[str]] = {}
        for question, label in zip(questions, labels, strict=True):
            label_sets.setdefault(domain_of(str(question)) or NO_DOMAIN, set()).add(str(label))
        full_res = cast(JicOptions, self.options).full_res
        no_domain: list[str] = []
        for row in rows:
            require_columns(self.id, row, ("id", "category", "question", "image"))
            question = str(row["question"])
            domain = domain_of(question)
            if domain is None:
                no_domain.append(str(row["id"]))
            image = to_rgb(row["image"])
            if not full_res and image.size != IMAGE_SIZE:
                image = image.resize(IMAGE_SIZE)
            yield Sample(
                id=str(row["id"]),
                messages=user_turn(question, [image]),
                references=[str(row["category"])],
                metadata={
                    "domain": domain or NO_DOMAIN,
                    "category_set": sorted(label_sets[domain or NO_DOMAIN]),
                },
            )
        if no_domain:  # the reference would silently make these a fifth domain
            self.warnings.append(
                f"{len(no_domain)} question(s) match no domain keyword, e.g. {no_domain[:3]}"
            )
        self.data_info["image_size"] = "original" if full_res else list(IMAGE_SIZE)

    def prompt_templates(self) -> dict[str, str]:
        return {"prompt": "{question}"}
