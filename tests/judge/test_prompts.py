"""Judge prompt files: verbatim copies of the spec, header hashes, literal rendering."""

from __future__ import annotations

import re

import pytest

from eval_mm.errors import UserError
from eval_mm.judges.prompt import PROMPT_DIR, available_prompts, load_prompt, parse_prompt_file

VERSIONS = [
    "heron_llmjp_v2",
    "heron_original_v1",
    "judge_1to5_llmjp",
    "jwt_board_llmjp",
    "jammeval_hle_ja_v1",
]


def header_hashes(version: str) -> tuple[str, str]:
    text = (PROMPT_DIR / f"{version}.txt").read_text(encoding="utf-8")
    m = re.search(r"sha256\(system\)=([0-9a-f]{64}) sha256\(user template\)=([0-9a-f]{64})", text)
    assert m, f"{version}: no hash line in the header"
    return m.group(1), m.group(2)


@pytest.mark.parametrize("version", VERSIONS)
def test_templates_match_the_hashes_in_their_headers(version: str) -> None:
    prompt = load_prompt(version)
    assert (prompt.sha256_system, prompt.sha256_user) == header_hashes(version)
    assert prompt.card()["sha256_user"] == prompt.sha256_user


def test_every_prompt_file_is_listed() -> None:
    assert available_prompts() == sorted(VERSIONS)


def test_template_boundaries_follow_the_file_format() -> None:
    p15 = load_prompt("judge_1to5_llmjp")
    assert p15.system == "You are an expert evaluator."
    assert p15.user_template.startswith("\nYou are an expert evaluator.")
    assert p15.user_template.endswith("Your Score:\n") and not p15.user_template.endswith("\n\n")
    orig = load_prompt("heron_original_v1")
    assert orig.user_template.startswith("[Context]\n{context}\n")
    assert orig.user_template.endswith("give it a low score.\n\n")
    assert "bottom right y. \n" in orig.user_template  # the one trailing space survives


def test_rendering_is_literal_and_single_pass() -> None:
    prompt = load_prompt("heron_llmjp_v2")
    msgs = prompt.render(
        {
            "context": "{question}",
            "question": "Q{x}",
            "gpt4o_answer": "R",
            "model_answer": 'M "quoted"',
        }
    )
    assert [m["role"] for m in msgs] == ["system", "user"]
    user = msgs[1]["content"]
    assert '"context": {question},' in user  # a value is never substituted again
    assert '"question": Q{x},' in user and '"model_answer": M "quoted"' in user
    assert '"score_gpt": int,' in user  # literal braces of the JSON blocks untouched
    with pytest.raises(ValueError, match="needs values"):
        prompt.render({"context": "c"})


def test_parse_handles_missing_markers_and_unknown_versions() -> None:
    with pytest.raises(ValueError):
        parse_prompt_file("# header\nno markers\n", "x")
    with pytest.raises(UserError, match="heron_llmjp_v2"):
        load_prompt("heron_v9")
