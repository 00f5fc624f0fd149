"""Synthetic datasets in each task's exact column schema (spec tasks.md §0.1).

All text is invented here and all images are solid colours drawn in code: no benchmark
content. Each builder writes `root/<task-id>/` as parquet or as a `save_to_disk` folder
(both local-copy formats) and returns the rows it wrote, for the tests' expectations.
The builders live in one module per task family (`synthetic_judged`, `synthetic_choice`,
`synthetic_ocr`, helpers in `synthetic_common`); this module gathers them in `BUILDERS`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.tasks import synthetic_english as english
from tests.tasks import synthetic_jammeval as jammeval
from tests.tasks import synthetic_jawildtext as jawildtext
from tests.tasks.synthetic_choice import cvqa, jmmmu, mecha
from tests.tasks.synthetic_common import PALETTE, WRONG_ANSWER, png_b64, solid
from tests.tasks.synthetic_judged import heron, jdocqa, jvb_itw, multi_image, vg_vqa
from tests.tasks.synthetic_ocr import cc_ocr, synthdog

__all__ = [
    "BUILDERS",
    "JIC_ROWS",
    "PALETTE",
    "WRONG_ANSWER",
    "cc_ocr",
    "cvqa",
    "heron",
    "jdocqa",
    "jmmmu",
    "jvb_itw",
    "mecha",
    "multi_image",
    "png_b64",
    "solid",
    "synthdog",
    "vg_vqa",
]

# JIC-VQA rows as CSV records; the images are served over HTTP by the test and prepared
# with scripts/prepare_jic_vqa.py (see conftest.py).
JIC_ROWS = [
    {"id": 1, "category": "桜", "question": "この花の名前は何ですか？", "colour": 0},
    {"id": 2, "category": "紅梅", "question": "この花の名前は何ですか？", "colour": 1},
    {"id": 3, "category": "梅", "question": "この花の名前は何ですか？", "colour": 2},
    {"id": 4, "category": "天ぷら", "question": "この食べ物の名前は何ですか？", "colour": 3},
    {"id": 5, "category": "おでん", "question": "この食べ物の名前は何ですか？", "colour": 4},
    {
        "id": 6,
        "category": "灯台",
        "question": "この写真のランドマークは？",
        "colour": 5,
    },  # link rot: 404
]

BUILDERS: dict[str, Callable[[Path], dict[str, Any]]] = {
    "japanese-heron-bench": heron,
    "ja-vlm-bench-in-the-wild": jvb_itw,
    "ja-vg-vqa-500": vg_vqa,
    "jdocqa": jdocqa,
    "mecha-ja": mecha,
    "jmmmu": jmmmu,
    "synthdog-ja": synthdog,
    "cvqa-ja": cvqa,
    "ja-multi-image-vqa": multi_image,
    "cc-ocr-ja": cc_ocr,
    # the 2026 suite
    "jawildtext-handwriting-ocr": jawildtext.handwriting,
    "jawildtext-receipt-kie": jawildtext.receipt,
    "jawildtext-board-vqa": jawildtext.board,
    "llava-bench-in-the-wild-en": jawildtext.llava_en,
    "mmmu": english.mmmu,
    "ai2d": english.ai2d,
    "chartqa": english.chartqa,
    "chartqapro": english.chartqapro,
    "docvqa": english.docvqa,
    "infovqa": english.infovqa,
    "textvqa": english.textvqa,
    "okvqa": english.okvqa,
    "jammeval-heron-bench": jammeval.heron,
    "jammeval-ja-vlm-bench": jammeval.ja_vlm_bench,
    "jammeval-jdocqa": jammeval.jdocqa,
    "jammeval-jgraphqa": jammeval.jgraphqa,
    "jammeval-ja-multi-image-vqa": jammeval.multi_image,
    "jammeval-cc-ocr-vqa": jammeval.cc_ocr_vqa,
    "jammeval-cvqa": jammeval.cvqa,
}
