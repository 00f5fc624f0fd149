"""JaWildText receipt key-information extraction (spec tasks-2026.md §3.3): read seven fields
and the line items of a photographed Japanese receipt as JSON; scored by key-value token F1.

Gold: a JSON object (non-ASCII kept) of the seven scalar fields in order (value or null),
then `line_items` (name, price, quantity); when `fields` is empty, the seven keys set to
null and no `line_items`. Generation default 2048 new tokens (256 truncates long receipts)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from eval_mm.core.model import GenerationConfig
from eval_mm.core.task import DatasetRef
from eval_mm.metrics.receipt_kie import FIELDS, ITEM_FIELDS
from eval_mm.registries import register_task
from eval_mm.tasks._common import SimpleTask, as_records

PROMPT = (
    "レシート画像からキー情報を抽出し、JSON形式で返してください。 "
    "フィールド: store_name, store_address, receipt_id, date, time, "
    "total_amount, tax_amount, line_items[]. "
    "値は画像の文字をそのまま出力してください（推測・正規化・整形しない）。"
    "無い項目は null にしてください。 "
    'line_items は {"item_name": "", "item_price": "", '
    '"item_quantity": ""} の配列で返してください。'
)


def _value(entry: Any) -> Any:
    return entry.get("value") if isinstance(entry, dict) else None


def gold_json(fields: dict[str, Any] | None) -> str:
    """The reference's gold string built from the `fields` struct."""
    if not fields:
        return json.dumps({f: None for f in FIELDS}, ensure_ascii=False)
    gold: dict[str, Any] = {f: _value(fields.get(f)) for f in FIELDS}
    gold["line_items"] = [
        {sub: _value(item.get(sub)) for sub in ITEM_FIELDS}
        for item in as_records(fields.get("line_items"))
        if isinstance(item, dict)
    ]
    return json.dumps(gold, ensure_ascii=False)


@register_task
class JaWildTextReceiptKie(SimpleTask):
    id = "jawildtext-receipt-kie"
    short_name = "JWTxt-Receipt"
    aliases = ("jwt-receipt",)
    version = "1"
    description = "JaWildText receipt KIE: seven fields and line items as JSON; token F1"
    dataset = DatasetRef("llm-jp/jawildtext", "train", "receipt_kie", "main")
    metrics = ("jwt_kie_f1", "jwt_kie_f1_legacy")
    primary_metric = "jwt_kie_f1"
    generation = GenerationConfig(max_new_tokens=2048)
    group = "ocr"
    columns: ClassVar[tuple[str, ...]] = ("image", "fields")  # sample id: the row index [V]

    def question(self, row: dict[str, Any]) -> str:
        return PROMPT

    def golds(self, row: dict[str, Any]) -> list[str]:
        return [gold_json(row["fields"])]

    def prompt_templates(self) -> dict[str, str]:
        return {"prompt": PROMPT}
