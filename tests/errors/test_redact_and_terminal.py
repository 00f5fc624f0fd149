"""Redaction of secrets, terminal-safe output, file modes and lock-free git information."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from eval_mm.core.options import MASK
from eval_mm.redact import is_secret_name, redact, redact_argv, redact_text
from eval_mm.terminal import cell, json_safe, safe
from tests.conftest import run_cli
from tests.errors.support import copy_results

OPENAI = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"
HF = "hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567"
AZURE = "dc79f95b01254ecbab4f721ff655ae2f"


@pytest.mark.parametrize(
    "text",
    [
        f"Incorrect API key provided: {OPENAI}.",
        f"token {HF} rejected",
        f"api-key: {AZURE}",
        f"Authorization: Bearer {OPENAI}",
        f'{{"api_key": "{AZURE[:10]}x"}}',
        "GET http://alice:s3cret-pass@example.invalid/v1/models",
        "url https://example.invalid/v1?api_key=abcdefgh123&model=x",
        "password=hunter2-long",
    ],
)
def test_key_formats_urls_and_named_values_are_masked(text: str) -> None:
    out = redact_text(text)
    assert MASK in out
    for secret in (OPENAI, HF, AZURE, AZURE[:10], "s3cret-pass", "abcdefgh123", "hunter2"):
        assert secret not in out


def test_digests_and_ordinary_text_are_left_alone() -> None:
    for text in (f"input digest {AZURE}", "sha " + "ab" * 32, "答えは「鍵」です", "max_tokens=5"):
        assert redact_text(text) == text
    assert redact_text(f"AZURE_OPENAI_API_KEY was {AZURE}") == f"AZURE_OPENAI_API_KEY was {MASK}"


def test_command_lines_are_redacted_in_every_option_form() -> None:
    argv = [
        "run",
        f"--model-option=api_key={OPENAI}",
        "--model-option",
        "api_key=short",
        "--judge-api-key",
        "plain",
        "--token=abc",
        "--judge-base-url",
        "http://user:pw123456@127.0.0.1:9/v1",
        "--model-option",
        "base_url=http://h.invalid/v1?key=zzzzzzzz&x=1",
        "--max-new-tokens",
        "5",
    ]
    out = redact_argv(argv)
    joined = " ".join(out)
    for secret in (OPENAI, "short", "plain", "abc", "pw123456", "zzzzzzzz"):
        assert secret not in joined
    assert out[-2:] == ["--max-new-tokens", "5"]  # max_tokens counts tokens: no secret
    assert "x=1" in joined and "127.0.0.1" in joined


def test_names_that_point_at_secrets_or_count_tokens_are_kept() -> None:
    assert is_secret_name("api_key") and is_secret_name("HF_TOKEN")
    assert is_secret_name("--judge-api-key") and is_secret_name("azureOpenAIApiKey")
    for name in ("max_tokens", "max-new-tokens", "api_key_env", "tokenizer_mode", "PWD",
                 "token_param", "token_limit", "cluster_key", "cache_key"):
        assert not is_secret_name(name)
    record = {"api_key": "x", "max_tokens": 5, "api_key_env": "OPENAI_API_KEY", "n": {"token": "t"}}
    assert redact(record) == {
        "api_key": MASK, "max_tokens": 5, "api_key_env": "OPENAI_API_KEY", "n": {"token": MASK}
    }
    # A gate report as text: a lookup key and a JSON null stay valid JSON
    text = '{"cluster_key": "image_id", "api_key": null, "token": "abcdefgh"}'
    assert redact_text(text) == f'{{"cluster_key": "image_id", "api_key": null, "token": "{MASK}"}}'
    assert redact_text("clustered (cluster key: image_id)") == "clustered (cluster key: image_id)"
    assert redact_text("the key: abcdefgh") == f"the key: {MASK}"


def test_environment_secrets_are_masked_and_answers_are_not_guessed_at(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MY_SERVICE_TOKEN", "value-of-the-env-token")
    assert redact_text("it said value-of-the-env-token") == f"it said {MASK}"
    # A model's answer is scored from the file: only certain secrets are masked in it.
    rec = redact({"output": "key: red, password: blue", "error": "password: blue123"})
    assert rec == {"output": "key: red, password: blue", "error": f"password: {MASK}"}
    assert redact({"output": f"the key is {OPENAI}"})["output"] == f"the key is {MASK}"


def test_control_characters_are_shown_escaped() -> None:
    evil = "model\x1b[2J\x1b]0;pwned\x07\x9b\u202e"
    assert safe(evil) == "model\\x1b[2J\\x1b]0;pwned\\x07\\x9b\\u202e"
    assert safe("two\nlines\tok") == "two\nlines\tok" and cell("a\nb") == "a\\nb"
    text = json.dumps({"m": "a\x9bb"}, ensure_ascii=False)
    assert json.loads(json_safe(text)) == {"m": "a\x9bb"} and "\x9b" not in json_safe(text)


def _poison(run_dir: Path) -> None:
    """A model id and breakdown group names that would drive a terminal."""
    path = run_dir / "summary.json"
    summary: dict[str, Any] = json.loads(path.read_text("utf-8"))
    summary["model"] = "oracle\x1b[2J\x1b]0;owned\x07"
    for metric in summary["metrics"].values():
        groups = metric["breakdown"]["variant"]
        groups["\x1b[31mred\x1b[0m"] = groups.pop("small")
    path.write_text(json.dumps(summary, ensure_ascii=False), "utf-8")


def test_show_and_show_json_never_print_control_characters(
    earlier_run: Path, tmp_path: Path
) -> None:
    run_dir = copy_results(earlier_run.parents[2], tmp_path / "results")
    _poison(run_dir)
    for args in (("show", str(run_dir)), ("show", "--json", str(run_dir))):
        proc = run_cli(*args)
        assert proc.returncode == 0, proc.stderr
        assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout
    table = run_cli("show", str(run_dir)).stdout
    assert "oracle\\x1b[2J\\x1b]0;owned\\x07" in table and "\\x1b[31mred\\x1b[0m" in table
    assert json.loads(run_cli("show", "--json", str(run_dir)).stdout)["model"].startswith("oracle")


def test_result_files_follow_the_umask_and_leave_no_temporaries(earlier_run: Path) -> None:
    mask = os.umask(0)
    os.umask(mask)
    for name in ("run.json", "summary.json", "samples.jsonl", "predictions.jsonl"):
        mode = stat.S_IMODE((earlier_run / name).stat().st_mode)
        assert mode == 0o666 & ~mask, (name, oct(mode))
    assert not [p for p in earlier_run.rglob("*.tmp")]


def test_a_stricter_umask_is_honoured(tmp_path: Path) -> None:
    code = (
        "import os, sys; os.umask(0o077)\n"
        "from eval_mm.store import atomic_write_json\n"
        "from pathlib import Path\n"
        "atomic_write_json(Path(sys.argv[1]), {'a': 1})"
    )
    import sys

    from tests.conftest import ROOT, cli_env

    target = tmp_path / "x.json"
    subprocess.run([sys.executable, "-c", code, str(target)], cwd=ROOT, env=cli_env(), check=True)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_git_information_is_read_without_optional_locks(monkeypatch: pytest.MonkeyPatch) -> None:
    from eval_mm import runcard

    calls: list[list[str]] = []

    def fake_run(cmd: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
        calls.append(cmd)
        return subprocess.CompletedProcess(cmd, 0, "abc\n", "")

    monkeypatch.setattr(subprocess, "run", fake_run)
    runcard.harness_commit.cache_clear()
    try:
        runcard.harness_commit()
    finally:
        runcard.harness_commit.cache_clear()
    assert calls and all(c[:2] == ["git", "--no-optional-locks"] for c in calls)
