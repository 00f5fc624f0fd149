"""Model metadata: the catalog's entries, published models, and the user's file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval_mm.errors import UserError
from eval_mm.models.catalog import CATALOG
from eval_mm.models.info import CATALOG_INFO, load_user_info, lookup, params_from_name


def test_every_catalog_model_has_metadata() -> None:
    assert set(CATALOG) == set(CATALOG_INFO)
    for name, info in CATALOG_INFO.items():
        assert info.params_b is not None and info.params_b > 0, name
        assert info.llm and info.access == "open" and info.licence, name


def test_lookup_by_name_alias_hf_id_and_printed_name() -> None:
    by_name = lookup("qwen2.5-vl-7b")
    assert by_name.params_b == 8.3 and by_name.card_url == (
        "https://huggingface.co/Qwen/Qwen2.5-VL-7B-Instruct")
    assert lookup("Qwen/Qwen2.5-VL-7B-Instruct") == by_name
    assert lookup("Qwen2.5-VL-7B-Instruct") == by_name  # as a model card table prints it
    assert lookup("asagi").llm == "llm-jp-3-13b-instruct"  # alias of asagi-14b
    assert lookup("gpt-4o-2024-11-20").access == "api"
    unknown = lookup("someone/NewVLM-30B-A3B")
    assert unknown.params_b == 30.0 and unknown.params_from_name and unknown.access is None
    assert params_from_name("org/model") is None


def test_user_file_describes_local_checkpoints(tmp_path: Path) -> None:
    path = tmp_path / "models.json"
    path.write_text(json.dumps({"/ckpt/step-4000": {"params_b": 7.6, "llm": "my-llm",
                                                    "access": "open", "display": "step 4000"}}))
    user = load_user_info(path)
    info = lookup("/ckpt/step-4000", user)
    assert (info.params_b, info.llm, info.display) == (7.6, "my-llm", "step 4000")
    assert lookup("qwen2.5-vl-7b", user).params_b == 8.3


@pytest.mark.parametrize("content, message", [
    ("[1, 2]", "expected a JSON object"),
    ('{"m": {"parms_b": 7}}', "unknown fields ['parms_b']"),
    ('{"m": {"params_b": "7B"}}', "params_b must be a number"),
    ('{"m": {"access": "closed"}}', "access must be"),
    ("{not json", "cannot read it"),
])
def test_user_file_errors_are_clear(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "models.json"
    path.write_text(content)
    with pytest.raises(UserError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_user_info(path)
