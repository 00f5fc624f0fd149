"""Judge settings: option validation, the fingerprint (what changes replies, nothing that
only changes speed), and the gpt-oss-20b-local profile."""

from __future__ import annotations

import pytest

from eval_mm.errors import UserError
from eval_mm.identity import digest
from eval_mm.judges.prompt import load_prompt
from eval_mm.judges.settings import JudgeSettings


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for var in ("OPENAI_BASE_URL", "AZURE_OPENAI_ENDPOINT", "EVAL_MM_JUDGE_MODEL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env of the checkout


@pytest.mark.parametrize(
    ("opts", "message"),
    [
        ({"runs": 0}, "--judge-runs must be at least 1, not 0"),
        ({"runs": -2}, "--judge-runs must be at least 1"),
        ({"mode": "single", "runs": 3}, "--judge-mode single is one run"),
        ({"temperature": 2.5}, "--judge-temperature must be in [0, 2]"),
        ({"temperature": -0.1}, "--judge-temperature must be in [0, 2]"),
        ({"rps": 0}, "--judge-rps must be above 0"),
        ({"concurrency": 0}, "--judge-concurrency must be at least 1"),
        ({"max_tokens": 0}, "--judge-max-tokens must be at least 1"),
        ({"reask": -1}, "--judge-reask must be 0 or more"),
        ({"timeout_s": 0}, "--judge-timeout must be above 0"),
        ({"reasoning_effort": "extreme"}, "--judge-reasoning-effort must be one of"),
        ({"profile": "gpt-5-cloud"}, "unknown judge profile 'gpt-5-cloud'"),
        ({"mode": "batch"}, "judge mode must be one of"),
    ],
)
def test_bad_options_are_refused(opts: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(UserError) as info:
        JudgeSettings.from_options(opts)
    assert message in str(info.value)


def test_defaults_follow_the_protocol() -> None:
    s = JudgeSettings.from_options({})
    assert (s.model, s.runs, s.mode, s.temperature, s.max_tokens) == (
        "gpt-4o-2024-11-20",
        5,
        "independent",
        0.0,
        1024,
    )
    assert s.reask == 0 and s.concurrency is None and s.rps is None
    assert s.token_param == "max_tokens" and s.reasoning_effort is None
    assert JudgeSettings.from_options({"mode": "single"}).runs == 1
    assert JudgeSettings.from_options({"runs": 1, "temperature": 0}).runs == 1


def test_the_fingerprint_has_what_changes_replies_and_nothing_else() -> None:
    prompt = load_prompt("judge_1to5_llmjp")
    base = JudgeSettings.from_options({})
    fp = base.fingerprint(prompt)
    assert set(base.fingerprint()) == set(fp) - {
        "prompt_version",
        "prompt_sha256_system",
        "prompt_sha256_user",
    }
    assert set(fp) == {
        "model",
        "provider",
        "endpoint",
        "azure_api_version",
        "prompt_version",
        "prompt_sha256_system",
        "prompt_sha256_user",
        "runs",
        "mode",
        "seeds",
        "temperature",
        "max_tokens",
        "token_param",
        "reask",
        "profile",
        "reasoning_effort",
        "reply_format",
    }
    assert fp["endpoint"] == "api.openai.com" and fp["seeds"] == [0, 1, 2, 3, 4]
    assert fp["prompt_sha256_user"] == prompt.sha256_user
    speed_only = {
        "concurrency": 64,
        "rps": 12.5,
        "timeout_s": 5,
        "max_attempts": 9,
        "batch": True,
        "cache": "/tmp/elsewhere",
        "backoff_base_s": 0.1,
    }
    assert JudgeSettings.from_options(speed_only).fingerprint(prompt) == fp
    changing = [
        {"model": "gpt-4.1-2025-04-14"},
        {"base_url": "http://127.0.0.1:8000/v1"},
        {"runs": 3},
        {"mode": "n"},
        {"temperature": 0.2},
        {"max_tokens": 2048},
        {"reask": 1},
        {"reasoning_effort": "low"},
        {"profile": "gpt-oss-20b-local"},
    ]
    ids = {digest(fp)}
    for opts in changing:
        other = JudgeSettings.from_options(opts).fingerprint(prompt)
        assert other != fp, opts
        ids.add(digest(other))
    assert len(ids) == len(changing) + 1
    assert base.fingerprint(load_prompt("heron_llmjp_v2")) != fp  # another prompt


def test_the_gpt_oss_profile_is_one_flag_and_explicit_options_win() -> None:
    s = JudgeSettings.from_options({"profile": "gpt-oss-20b-local"})
    assert s.model == "openai/gpt-oss-20b" and s.provider == "compatible"
    assert s.base_url == "http://127.0.0.1:8000/v1"
    assert (s.reasoning_effort, s.token_param, s.reply_format) == (
        "low",
        "max_completion_tokens",
        "harmony",
    )
    assert s.max_tokens == 1024 and s.runs == 5
    fp = s.fingerprint()
    assert fp["profile"] == "gpt-oss-20b-local" and fp["reasoning_effort"] == "low"
    other = JudgeSettings.from_options(
        {"profile": "gpt-oss-20b-local", "base_url": "http://gpu:9000/v1", "mode": "single"}
    )
    assert other.host == "gpu" and other.runs == 1 and other.reasoning_effort == "low"
    # any reasoning judge sends max_completion_tokens
    assert JudgeSettings.from_options({"reasoning_effort": "high"}).token_param == (
        "max_completion_tokens"
    )
