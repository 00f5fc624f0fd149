"""Synthetic datasets of the English companion tasks (spec tasks-2026.md §5), each in the
column schema of its hub copy. Invented text, solid images; no gold contains "zzz"."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from datasets import Features, Sequence, Value
from datasets import Image as ImageFeature

from tests.tasks.synthetic_common import solid, write_dataset

STR = Value("string")
STRS = Sequence(Value("string"))


def _jpeg(i: int) -> bytes:
    buf = io.BytesIO()
    solid(i).save(buf, format="JPEG")
    return buf.getvalue()


def mmmu(root: Path) -> dict[str, Any]:
    n = 3
    images: dict[str, list[Any]] = {f"image_{k}": [None] * n for k in range(1, 8)}
    images["image_1"][0], images["image_2"][0] = solid(0), solid(1)
    images["image_1"][1] = solid(2)
    images["image_1"][2] = solid(3)
    rows = {
        "id": ["validation_Art_1", "validation_Math_2", "validation_Physics_3"],
        "question": [
            "<image 1> Which style is the painting in <image 2>?",
            "<image1> What is the ratio shown?",
            "How long is the rod in <image 1>, in metres?",
        ],
        "options": ["['Baroque', 'Cubist', 'Gothic', 'Rococo']", "[]", "[]"],
        "explanation": ["", "", ""],
        **images,
        "img_type": ["['Paintings']", "['Diagrams']", "['Diagrams']"],
        "answer": ["B", "3.5", "12"],
        "topic_difficulty": ["Easy", "Medium", "Hard"],
        "question_type": ["multiple-choice", "open", "open"],
        "subfield": ["Art History", "Algebra", "Mechanics"],
    }
    feats = Features(
        {
            **{k: STR for k in ("id", "question", "options", "explanation")},
            **{f"image_{k}": ImageFeature() for k in range(1, 8)},
            **{k: STR for k in ("img_type", "answer", "topic_difficulty", "question_type")},
            "subfield": STR,
        }
    )
    write_dataset(root, "mmmu", rows, feats, parquet=True)
    return rows


def ai2d(root: Path) -> dict[str, Any]:
    rows = {
        "question": ["Which stage comes after the egg?", "What eats the grass?"],
        "options": [["larva", "adult", "pupa", "seed"], ["hawk", "rabbit", "sun", "soil"]],
        "answer": ["0", "1"],
        "image": [solid(4), solid(5)],
    }
    feats = Features({"question": STR, "options": STRS, "answer": STR, "image": ImageFeature()})
    write_dataset(root, "ai2d", rows, feats, parquet=True)
    return rows


def chartqa(root: Path) -> dict[str, Any]:
    rows = {
        "type": ["human_test", "augmented_test", "human_test"],
        "question": [
            "What is the highest value in the chart?",
            "Which country has the longest bar?",
            "What share of the budget goes to rent?",
        ],
        "answer": ["45", "Japan", "12%"],
        "image": [solid(6), solid(7), solid(8)],
    }
    feats = Features({"type": STR, "question": STR, "answer": STR, "image": ImageFeature()})
    write_dataset(root, "chartqa", rows, feats, parquet=True)
    return rows


def chartqapro(root: Path) -> dict[str, Any]:
    rows = {
        "Question": [
            ["In which year did sales peak?"],
            ["How many stores opened in 2019?", "And in 2020?"],
            ["Which option is largest? a) cars b) bikes c) buses"],
            ["Is the red line always above the blue one?"],
        ],
        "Answer": [["2016"], ["10", "20"], ["b"], ["True"]],
        "Question Type": ["Factoid", "Conversational", "Multi Choice", "Fact Checking"],
        "Year": [["YES"], ["NO", "NO"], ["NO"], ["NO"]],
        "Paragraph": ["", "", "", "The chart compares two cities over ten years."],
        "image": [_jpeg(9), _jpeg(10), _jpeg(11), _jpeg(0)],
    }
    feats = Features(
        {
            "Question": STRS,
            "Answer": STRS,
            "Question Type": STR,
            "Year": STRS,
            "Paragraph": STR,
            "image": Value("binary"),
        }
    )
    write_dataset(root, "chartqapro", rows, feats, parquet=True)
    return rows


def docvqa(root: Path) -> dict[str, Any]:
    rows = {
        "questionId": ["d-101", "d-102"],
        "question": ["What is the invoice number?", "Who signed the letter?"],
        "question_types": [["form"], ["handwritten", "layout"]],
        "image": [solid(1), solid(2)],
        "docId": [11, 12],
        "ucsf_document_id": ["abc01", "abc02"],
        "ucsf_document_page_no": ["1", "2"],
        "answers": [["4471-B", "4471 B"], ["Mary Brown"]],
        "data_split": ["val", "val"],
    }
    feats = Features(
        {
            "questionId": STR,
            "question": STR,
            "question_types": STRS,
            "image": ImageFeature(),
            "docId": Value("int64"),
            "ucsf_document_id": STR,
            "ucsf_document_page_no": STR,
            "answers": STRS,
            "data_split": STR,
        }
    )
    write_dataset(root, "docvqa", rows, feats, parquet=True)
    return rows


def infovqa(root: Path) -> dict[str, Any]:
    rows = {
        "questionId": ["i-7", "i-8"],
        "question": ["How many people were surveyed?", "Which month had the most rain?"],
        "answers": [["1,500", "1500"], ["April"]],
        "answer_type": [["single span"], ["single span"]],
        "image": [solid(3), solid(4)],
        "image_url": ["https://example.invalid/a.png", "https://example.invalid/b.png"],
        "operation/reasoning": [["counting"], []],
        "ocr": ["", ""],
        "data_split": ["val", "val"],
    }
    feats = Features(
        {
            "questionId": STR,
            "question": STR,
            "answers": STRS,
            "answer_type": STRS,
            "image": ImageFeature(),
            "image_url": STR,
            "operation/reasoning": STRS,
            "ocr": STR,
            "data_split": STR,
        }
    )
    write_dataset(root, "infovqa", rows, feats, parquet=True)
    return rows


def textvqa(root: Path) -> dict[str, Any]:
    rows = {
        "image_id": ["t1", "t2"],
        "question_id": [34602, 34603],
        "question": ["what brand is the bottle?", "What number is on the door?"],
        "question_tokens": [["what", "brand"], ["what", "number"]],
        "image": [solid(5), solid(6)],
        "image_width": [32, 32],
        "image_height": [24, 24],
        "flickr_original_url": ["https://example.invalid/o1", "https://example.invalid/o2"],
        "flickr_300k_url": ["https://example.invalid/s1", "https://example.invalid/s2"],
        "answers": [["acme"] * 6 + ["acme cola"] * 4, ["42"] * 4 + ["forty two"] * 3 + ["24"] * 3],
        "image_classes": [["Bottle"], ["Door"]],
        "set_name": ["val", "val"],
        "ocr_tokens": [["ACME"], ["42"]],
    }
    feats = Features(
        {
            "image_id": STR,
            "question_id": Value("int32"),
            "question": STR,
            "question_tokens": STRS,
            "image": ImageFeature(),
            "image_width": Value("int32"),
            "image_height": Value("int32"),
            "flickr_original_url": STR,
            "flickr_300k_url": STR,
            "answers": STRS,
            "image_classes": STRS,
            "set_name": STR,
            "ocr_tokens": STRS,
        }
    )
    write_dataset(root, "textvqa", rows, feats, parquet=True)
    return rows


def okvqa(root: Path) -> dict[str, Any]:
    rows = {
        "question_id": ["5001", "5002"],
        "image": [solid(7), solid(8)],
        "question": ["What sport can you play with this?", "Which season is shown here?"],
        "answers": [["tennis"] * 5 + ["squash"] * 5, ["winter"] * 8 + ["cold"] * 2],
        "question_type": ["sports", "weather"],
        "answer_type": ["other", "other"],
    }
    feats = Features(
        {
            "question_id": STR,
            "image": ImageFeature(),
            "question": STR,
            "answers": STRS,
            "question_type": STR,
            "answer_type": STR,
        }
    )
    write_dataset(root, "okvqa", rows, feats, parquet=True)
    return rows
