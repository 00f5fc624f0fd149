"""JaWildText metrics: CER similarity, receipt key-value F1 (and the inputs that crash the
reference), the boxed-answer extraction and the yes/no verdict parsers; every vector of spec
tasks-2026.md §3.2-§3.4, through the registered scorers with their reasoning rules."""

from __future__ import annotations

import json
from typing import Any

import pytest

from eval_mm.metrics.final_answer import answer_letter, board_answer_legacy, last_boxed
from eval_mm.metrics.receipt_kie import FIELDS, ITEM_FIELDS
from eval_mm.metrics.verdicts import final_channel, first_verdict, strict_verdict
from eval_mm.registries import METRICS
from eval_mm.tasks.jawildtext_handwriting_ocr import gold_text
from eval_mm.tasks.jawildtext_receipt_kie import gold_json
from tests.metrics.helpers import make_sample, score

CER = [
    ("こんにちは世界", "こんにちわ世界", 0.857143),
    ("東京都\n渋谷区", "東京都\\n渋谷区", 1.0),
    ("東京都\n渋谷区", "東京都渋谷区", 0.857143),
    ("ＡＢＣ１２３", "abc123", 1.0),
    ("猫", "猫です。", 0.0),
    ("", "", 1.0),
    ("", "x", 0.0),
    ("東京\n\n大阪", "東京\n大阪", 0.833333),
    ("  a  b \r\n c ", "a b\nc", 1.0),
]


@pytest.mark.parametrize(("gold", "pred", "expected"), CER)
def test_cer_similarity(gold: str, pred: str, expected: float) -> None:
    for metric in ("jwt_cer_sim", "jwt_cer_sim_legacy"):
        got = score(metric, make_sample([gold]), pred)
        assert got.value == pytest.approx(expected, abs=1e-6)
    assert score("jwt_cer_sim", make_sample(["猫"]), "猫です。").details["clipped"] is True


def test_cer_think_rules_and_micro() -> None:
    sample = make_sample(["会議は午後三時"])
    out = "<think>会議は午後三時"  # unclosed: the legacy strip keeps the reasoning as the answer
    assert score("jwt_cer_sim_legacy", sample, out).value == 1.0
    strict = score("jwt_cer_sim", sample, out)
    assert strict.value == 0.0 and strict.details["no_final_answer"] is True
    scorer = METRICS.get("jwt_cer_sim")()
    samples = [make_sample(["abcd"]), make_sample(["ab"])]
    scores = [scorer.score_one(s, o) for s, o in zip(samples, ["abcx", "xxxxxx"], strict=True)]
    extra = scorer.aggregate(samples, scores).extra
    assert extra["cer_micro"] == pytest.approx((1 + 6) / 6) and extra["clipped"] == 1


def test_handwriting_gold_order() -> None:
    def box(x0: int, x1: int) -> list[list[int]]:
        return [[x0, 0], [x1, 0], [x1, 300], [x0, 300]]

    right = {"polygon": box(200, 220), "text": "右の列"}
    left = {"polygon": box(100, 120), "text": "左の列"}
    assert gold_text([right, left]) == "左の列\n右の列"
    assert gold_text({"polygon": [box(200, 220), box(100, 120)], "text": ["右", "左"]}) == "左\n右"
    assert gold_text([]) == "" and gold_text(None) == ""


def _gold(items: list[tuple[str, str, str]] | None = None, **values: str) -> str:
    fields: dict[str, Any] = {f: {"value": values.get(f)} for f in FIELDS}
    fields["line_items"] = [
        {sub: {"value": v} for sub, v in zip(ITEM_FIELDS, item, strict=True)}
        for item in items or []
    ]
    return gold_json(fields)


def _prf(metric: str, gold: str, pred: str) -> tuple[float | None, Any, Any, Any]:
    s = score(metric, make_sample([gold]), pred)
    return s.value, s.details.get("precision"), s.details.get("recall"), s.reason


BLOCK = "```json\n{}\n```"
KIE = [  # gold, prediction, P, R, F1 (both variants)
    (_gold([("りんご", "¥300", "2")], store_name="テスト商店", total_amount="¥1,280"),
     BLOCK.format(json.dumps({"store_name": "テスト商店", "total_amount": "1280", "line_items": [
         {"item_name": "りんご", "item_price": "300", "item_quantity": "2"}]}, ensure_ascii=False)),
     1, 1, 1),
    (_gold(store_name="テスト商店", date="2026/01/05"),
     '{"store_name":"テスト商店","date":"2026年1月5日"}', 0.5, 0.5, 0.5),
    (_gold(store_name="A店"), '{"store_name":"A店","time":"12:00"}', 0.5, 1, 2 / 3),
    (_gold(total_amount="1,000"), '{"total_amount":"1000円"}', 0, 0, 0),
    (_gold(total_amount="１，０００"), '{"total_amount":"¥1000"}', 1, 1, 1),
    (_gold(total_amount="1000"), '{"total_amount":1000}', 1, 1, 1),
    (_gold(total_amount="1000"), '{"total_amount":1000.0}', 0, 0, 0),
    (_gold([("水", "100", "1"), ("茶", "150", "1")]),
     '{"line_items":[{"item_name":"茶","item_price":"150","item_quantity":"1"}]}', 1, 0.5, 2 / 3),
    (_gold(), '{"store_name":null}', 1, 1, 1),
    (_gold(), '{"store_name":"X"}', 0, 1, 0),
    (_gold(store_name="A店"), "{}", 0, 0, 0),
    (_gold(store_name="A店"), '<think>{"store_name":"B店"}</think>{"store_name":"A店"}', 1, 1, 1),
]  # fmt: skip


@pytest.mark.parametrize(("gold", "pred", "p", "r", "f1"), KIE)
def test_kie_f1(gold: str, pred: str, p: float, r: float, f1: float) -> None:
    for metric in ("jwt_kie_f1", "jwt_kie_f1_legacy"):
        value, precision, recall, _ = _prf(metric, gold, pred)
        assert (value, precision, recall) == pytest.approx((f1, p, r)), metric


def test_kie_parse_errors() -> None:
    gold = _gold(store_name="A店")
    broken_then_valid = '```json\n{"store_name": "A店",\n```\n{"store_name":"A店"}'
    for pred, legacy_error, strict_f1 in [
        ("The store is A店", "no_json", 0.0),
        (broken_then_valid, "no_json", 1.0),  # the reference never looks past the broken block
        ('{"note": "{", "store_name": "A店"}', "no_json", 1.0),  # a brace inside a string
    ]:
        legacy = score("jwt_kie_f1_legacy", make_sample([gold]), pred)
        assert legacy.value == 0.0 and legacy.details["parse_error"] == legacy_error
        assert score("jwt_kie_f1", make_sample([gold]), pred).value == strict_f1


def test_kie_reference_crashes_are_unscored_and_strict_reads_them() -> None:
    gold = _gold(store_name="A店")
    for pred, reason in [
        ('```json\n[{"store_name": "A店"}]\n```', "non_object_json"),  # `.get` on a list
        ('```json\n"A店"\n```', "non_object_json"),
        ('{"store_name": "A店", "line_items": 5}', "bad_line_items"),
        ("```json\n" + "[" * 5000 + "]" * 5000 + "\n```", "json_too_deep"),
    ]:
        assert _prf("jwt_kie_f1_legacy", gold, pred)[0::3] == (None, reason)
    assert _prf("jwt_kie_f1", gold, '```json\n[{"store_name": "A店"}]\n```')[0] == 1.0
    assert _prf("jwt_kie_f1", gold, '{"store_name": "A店", "line_items": 5}')[0] == 1.0
    # A bare list outside a block is read through its first object, as the reference does.
    assert _prf("jwt_kie_f1_legacy", gold, '[{"store_name": "A店"}]')[0] == 1.0
    non_object = score("jwt_kie_f1", make_sample([gold]), "```json\n[1, 2]\n```")
    assert non_object.value == 0.0 and non_object.details["parse_error"] == "non_object_json"


def test_kie_field_accuracy() -> None:
    gold = _gold(store_name="A店")
    pred = '{"store_name":"A店","receipt_id":null}'
    for metric in ("jwt_kie_f1_legacy", "jwt_kie_f1"):
        fields = score(metric, make_sample([gold]), pred).details["fields"]
        assert fields == {f: float(f in ("store_name", "receipt_id")) for f in FIELDS}
    scorer = METRICS.get("jwt_kie_f1")()
    samples = [make_sample([gold]), make_sample([_gold(store_name="B店", date="1/2")])]
    scores = [scorer.score_one(samples[0], pred), scorer.score_one(samples[1], "none")]
    extra = scorer.aggregate(samples, scores).extra
    assert extra["field_store_name"] == 1.0 and extra["field_receipt_id"] == 1.0  # parsed only
    assert extra["field_acc_present_store_name"] == 0.5  # the parse error counts 0 here
    assert extra["field_acc_present_date"] == 0.0 and extra["field_acc_present_time"] is None
    assert extra["parse_error_count"] == 1 and extra["precision"] == 0.5


BOXED = [
    ("答えは \\boxed{3000円} です", "3000円"), ("\\boxed{A}\\boxed{B}", "B"),
    ("\\boxed{\\frac{1}{2}}", "\\frac{1}{2}"), ("\\boxed{ 東京 }", "東京"), ("\\boxed{}", ""),
    ("\\boxed{a}\\boxed{b", "a"), ("\\boxed{unclosed", "\\boxed{unclosed"),
    ("\\boxed {3}", "\\boxed {3}"), ("$\\boxed{5}$", "5"), ("no box here  ", "no box here"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), BOXED)
def test_boxed_answer(text: str, expected: str) -> None:
    assert board_answer_legacy(text) == expected
    assert last_boxed(text) == (expected if "\\boxed{" in text and expected != text.strip()
                                else None)  # fmt: skip


def test_yes_no_verdicts() -> None:
    harmony = (
        "<|channel|>analysis<|message|>If wrong: correct: no<|end|>"
        "<|start|>assistant<|channel|>final<|message|>correct: yes<|return|>"
    )
    assert first_verdict(harmony) is False  # the reference reads the analysis text
    assert strict_verdict(harmony) is True
    flat = "analysisThe gold differs? correct: no.assistantfinalcorrect: yes"  # tokens dropped
    assert (first_verdict(flat), strict_verdict(flat)) == (False, True)
    cut = "<|channel|>analysis<|message|>Let me compare the two"
    assert final_channel(cut) is None and strict_verdict(cut) is None
    assert strict_verdict("analysisstill thinking") is None
    assert strict_verdict("**Correct: Yes**") is True and strict_verdict("correct: no") is False
    assert strict_verdict("I would say correct: yes") is None  # not a verdict line
    assert first_verdict("I would say correct: yes") is True
    assert first_verdict("") is None and strict_verdict(None) is None


def test_jammeval_answer_letter() -> None:
    assert answer_letter("よって Answer: C", "ABCD") == "C"
    assert answer_letter("答え：**Ｂ**", "ABCD") == "B"
    assert answer_letter("$\\boxed{D}$\nAnswer: $D$", "ABCD") == "D"
    assert answer_letter("Answer: E\n答え: A", "ABCD") == "A"  # first label with a valid letter
    assert answer_letter("Answer: (ب)", "ABCD") == "B"
    assert answer_letter("The answer is B", "ABCD") is None
    assert answer_letter("", "ABCD") is None
