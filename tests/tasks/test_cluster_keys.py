"""Each task's cluster key (what the bootstrap resamples together) is in its samples."""

from __future__ import annotations

import json
from pathlib import Path

from eval_mm.registries import TASKS
from eval_mm.tasks._common import image_key, shared_groups
from tests.tasks import synthetic as syn
from tests.tasks.test_row_mapping import task


def test_every_clustered_task_writes_its_key_into_every_sample(
    oracle_runs: dict[str, Path],
) -> None:
    expected = {"japanese-heron-bench": "image_id", "ja-vlm-bench-in-the-wild": "image_id",
                "ja-vg-vqa-500": "image_id", "ja-vg-vqa-500-first": "image_id",
                "jdocqa": "document", "mecha-ja": "image_id", "cvqa-ja": "image_id",
                "ja-multi-image-vqa": "image_set", "docvqa": "document", "infovqa": "document",
                "textvqa": "image_id", "llava-bench-in-the-wild-en": "image_id"}
    for task_id, run in oracle_runs.items():
        key = TASKS.get(task_id).cluster_key
        assert key == expected.get(task_id), task_id
        if key is None:
            continue
        lines = (run / "samples.jsonl").read_text(encoding="utf-8").splitlines()
        assert all(json.loads(line)["metadata"].get(key) is not None for line in lines), task_id


def test_image_key_is_the_content_not_the_object() -> None:
    a, b, c = syn.solid(0), syn.solid(0), syn.solid(1)
    assert image_key(a) == image_key(b) != image_key(c)
    assert image_key(a.resize((32, 32))) != image_key(a)  # same colour, other picture size


def test_shared_groups_join_items_through_common_images() -> None:
    groups = shared_groups([["p1", "p2"], ["p3"], ["p2", "p4"], ["p4"], [], ["p5"]])
    assert groups[0] == groups[2] == groups[3] == "p1"
    assert groups[1] == "p3" and groups[4] is None and groups[5] == "p5"


def test_jdocqa_groups_questions_by_shared_page_or_pdf_name() -> None:
    def row(qid: int, *pages: int, pdf: str | None = None) -> dict[str, object]:
        cols = {f"image_{k}": syn.solid(p) for k, p in enumerate(pages)}
        out = {"question_id": qid, "question": "何ですか？", "answer": "はい", "answer_type": 0,
               **cols}
        return out if pdf is None else {**out, "pdf_name": pdf}

    samples = list(task("jdocqa").build_samples([row(1, 0), row(2, 1, 0), row(3, 2), row(4, 3)]))
    docs = [s.metadata["document"] for s in samples]
    assert docs[0] == docs[1] and len(set(docs)) == 3  # 1 and 2 share page 0
    named = list(task("jdocqa").build_samples([row(1, 0, pdf="a.pdf"), row(2, 1, pdf="a.pdf"),
                                               row(3, 0, pdf="b.pdf")]))
    assert [s.metadata["document"] for s in named] == ["pdf:a.pdf", "pdf:a.pdf", "pdf:b.pdf"]
