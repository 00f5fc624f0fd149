"""Synthetic datasets of the three JaWildText tasks and LLaVA-Bench-in-the-Wild (en), each in
the column schema the reference reads (spec tasks-2026.md §3-§4). Invented text, solid images.
No gold shares a character with the wrong model's answer "ZZZ"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from datasets import Features, Sequence, Value
from datasets import Image as ImageFeature

from tests.tasks.synthetic_common import solid, write_dataset


def _box(x0: float, x1: float, y0: float, y1: float) -> list[list[float]]:
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


def handwriting(root: Path) -> dict[str, Any]:
    rows = {
        "image": [solid(0), solid(1), solid(2)],
        "polygons": [
            # Two vertical columns, the right one first in the data: gold "左の列\n右の列" [V].
            [
                {"polygon": _box(200, 220, 0, 300), "text": "右の列"},
                {"polygon": _box(100, 120, 0, 300), "text": "左の列"},
            ],
            # A region without points sorts as (0, 0); an empty text is skipped.
            [
                {"polygon": _box(10, 200, 40, 60), "text": "二行目です"},
                {"polygon": _box(10, 200, 0, 20), "text": "一行目のメモ"},
                {"polygon": [], "text": "表題"},
                {"polygon": _box(10, 200, 80, 90), "text": ""},
            ],
            [],  # no text at all: the gold is ""
        ],
        "id": ["hw-a", "hw-b", "hw-c"],
    }
    point = Sequence(Value("float32"))
    feats = Features(
        {
            "image": ImageFeature(),
            "polygons": [{"polygon": Sequence(point), "text": Value("string")}],
            "id": Value("string"),
        }
    )
    write_dataset(root, "jawildtext-handwriting-ocr", rows, feats, parquet=True)
    return rows


SCALARS = ("store_name", "store_address", "receipt_id", "date", "time", "total_amount",
           "tax_amount")  # fmt: skip


def _fields(items: list[tuple[str, str, str]], **values: str) -> dict[str, Any]:
    out: dict[str, Any] = {f: {"value": values.get(f)} for f in SCALARS}
    out["line_items"] = [
        {"item_name": {"value": n}, "item_price": {"value": p}, "item_quantity": {"value": q}}
        for n, p, q in items
    ]
    return out


def receipt(root: Path) -> dict[str, Any]:
    rows = {
        "image": [solid(3), solid(4), solid(5)],
        "fields": [
            _fields(
                [("りんご", "¥300", "2"), ("みかん", "¥980", "1")],
                store_name="テスト商店",
                date="2026/01/05",
                total_amount="¥1,280",
            ),
            _fields([], store_name="A店", time="12:00"),
            _fields([]),  # every field null: empty token bags on both sides
        ],
    }
    value = {"value": Value("string")}
    item = {"item_name": value, "item_price": value, "item_quantity": value}
    feats = Features(
        {
            "image": ImageFeature(),
            "fields": {**{f: value for f in SCALARS}, "line_items": [item]},
        }
    )
    write_dataset(root, "jawildtext-receipt-kie", rows, feats, parquet=False)
    return rows


def board(root: Path) -> dict[str, Any]:
    rows = {
        "image": [solid(6), solid(7), solid(8)],
        "question": ["掲示板に書かれた開店時間は？", None, "入場料はいくらですか？"],
        "answer": ["午前十時", "三階", "500円"],
    }
    feats = Features(
        {"image": ImageFeature(), "question": Value("string"), "answer": Value("string")}
    )
    write_dataset(root, "jawildtext-board-vqa", rows, feats, parquet=True)
    return rows


def llava_en(root: Path) -> dict[str, Any]:
    rows = {
        "question_id": [0, 1, 2],
        "question": [
            "What color is the bus in the picture?",
            "Describe the scene in detail.",
            "Why might the man be carrying an umbrella?",
        ],
        "image_id": ["001", "001", "002"],
        "image": [solid(2), solid(2), solid(9)],
        "gpt_answer": [
            "The bus is red.",
            "A red bus waits at a station on a cloudy morning.",
            "He is probably expecting rain, since the sky is dark.",
        ],
        "category": ["conv", "detail", "complex"],
        "caption": ["A red bus.", "A red bus at a station.", "A man with an umbrella."],
    }
    feats = Features(
        {
            "question_id": Value("int64"),
            "question": Value("string"),
            "image_id": Value("string"),
            "image": ImageFeature(),
            "gpt_answer": Value("string"),
            "category": Value("string"),
            "caption": Value("string"),
        }
    )
    write_dataset(root, "llava-bench-in-the-wild-en", rows, feats, parquet=True)
    return rows
