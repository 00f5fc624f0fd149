"""Synthetic datasets of the seven JAMMEval refined configs (spec tasks-2026.md §7.1), each in
the columns the card (or, where the card is silent, simple-evals-mm) names. Invented text,
solid images; no gold shares a character with "ZZZ"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from datasets import Features, Sequence, Value
from datasets import Image as ImageFeature

from tests.tasks.synthetic_common import solid, write_dataset

STR = Value("string")


def _open_set(
    root: Path, task: str, base: int, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    rows: dict[str, Any] = {
        "original_id": [base, base + 1],
        "image": [solid(base % 12), solid((base + 1) % 12)],
        "question": [f"写真{base}に写っている動物は？", f"写真{base + 1}の看板の色は？"],
        "answer": [f"猫{base}", f"青{base + 1}"],
        **(extra or {}),
    }
    feats = {"original_id": Value("int64"), "image": ImageFeature(), "question": STR,
             "answer": STR, **{k: STR for k in extra or {}}}  # fmt: skip
    write_dataset(root, task, rows, Features(feats), parquet=True)
    return rows


def heron(root: Path) -> dict[str, Any]:
    extra = {"image_category": ["anime", "landscape"], "context": ["背景の説明文。", "別の説明。"]}
    return _open_set(root, "jammeval-heron-bench", 1, extra)


def ja_vlm_bench(root: Path) -> dict[str, Any]:
    return _open_set(root, "jammeval-ja-vlm-bench", 3)


def jdocqa(root: Path) -> dict[str, Any]:
    return _open_set(root, "jammeval-jdocqa", 5)


def jgraphqa(root: Path) -> dict[str, Any]:
    return _open_set(root, "jammeval-jgraphqa", 7)


def cc_ocr_vqa(root: Path) -> dict[str, Any]:
    return _open_set(
        root, "jammeval-cc-ocr-vqa", 9, {"ocr": ["文字一", "文字二"], "image_name": ["a", "b"]}
    )


def multi_image(root: Path) -> dict[str, Any]:
    rows = {
        "original_id": [20, 21],
        "images": [[solid(0), solid(1)], [solid(2)]],
        "question": ["二枚の写真で共通するものは？", "この建物の名前は？"],
        "answer": ["赤い傘", "市役所"],
        "image_urls": [["https://example.invalid/0", "https://example.invalid/1"], []],
        "page_urls": [["https://example.invalid/p0"], []],
    }
    feats = Features(
        {
            "original_id": Value("int64"),
            "images": Sequence(ImageFeature()),
            "question": STR,
            "answer": STR,
            "image_urls": Sequence(STR),
            "page_urls": Sequence(STR),
        }
    )
    write_dataset(root, "jammeval-ja-multi-image-vqa", rows, feats, parquet=False)
    return rows


def cvqa(root: Path) -> dict[str, Any]:
    rows = {
        "image": [solid(3), solid(4), solid(5)],
        "original_id": ["cv-1", "cv-2", "cv-3"],
        "question": ["この料理の名前は？", "この祭りの季節は？", "この道具の用途は？"],
        "options": [
            ["うどん", "そば", "ラーメン", "寿司"],
            ["春", "夏", "秋", "冬"],
            ["料理", "掃除", "裁縫", "園芸"],
        ],
        "answer": [2, 1, 0],
        "Category": ["食べ物", "行事", "道具"],
        "Image Type": ["photo", "photo", "photo"],
        "Image Source": ["self", "self", "self"],
        "License": ["CC0", "CC0", "CC0"],
    }
    feats = Features(
        {
            "image": ImageFeature(),
            "original_id": STR,
            "question": STR,
            "options": Sequence(STR),
            "answer": Value("int64"),
            **{k: STR for k in ("Category", "Image Type", "Image Source", "License")},
        }
    )
    write_dataset(root, "jammeval-cvqa", rows, feats, parquet=True)
    return rows
