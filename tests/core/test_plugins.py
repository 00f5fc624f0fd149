"""Plugins from a file (`--plugin`, `EVAL_MM_PLUGINS`) and the package mapping: exactly
tasks/, judges/ and leaderboard/ live under eval_mm, and nothing else of the checkout."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from datasets import Features, Image, Value

from tests.conftest import ROOT, cli_env, run_cli
from tests.tasks.synthetic_common import solid, write_dataset

PLUGIN = ROOT / "examples" / "plugin" / "eval_mm_colour_names.py"
COLOURS = [("赤", 0), ("緑", 1), ("青", 2), ("黄", 3)]


@pytest.fixture(scope="module")
def colour_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("colours")
    data = {
        "id": [f"c{i}" for i in range(len(COLOURS))],
        "image": [solid(p) for _, p in COLOURS],
        "question": ["この画像は何色ですか？"] * len(COLOURS),
        "answer": [name for name, _ in COLOURS],
    }
    text = Value("string")
    features = Features({"id": text, "image": Image(), "question": text, "answer": text})
    return write_dataset(root, "colour-names", data, features, parquet=True)


def test_plugin_file_runs_through_the_cli_and_is_recorded(
    colour_data: Path, tmp_path: Path
) -> None:
    args = ("-m", "oracle", "-t", "colour-names", "--data", str(colour_data), "-o", str(tmp_path))
    proc = run_cli("run", "--plugin", str(PLUGIN), *args)
    assert proc.returncode == 0, proc.stderr
    (card_path,) = tmp_path.rglob("run.json")
    summary = json.loads((card_path.parent / "summary.json").read_text(encoding="utf-8"))
    assert summary["metrics"]["colour_match"]["value"] == 100.0
    assert summary["metrics"]["colour_match"]["n"] == len(COLOURS)
    plugins = json.loads(card_path.read_text(encoding="utf-8"))["harness"]["plugins"]
    digest = hashlib.sha256(PLUGIN.read_bytes()).hexdigest()
    assert plugins == [{"path": str(PLUGIN), "sha256": digest}]
    # Without the plugin the task does not exist: a usage error naming it.
    missing = run_cli("run", *args)
    assert missing.returncode == 2
    assert "unknown task 'colour-names'" in missing.stderr


def test_plugin_from_the_environment_is_listed() -> None:
    proc = run_cli("list", "tasks", env=cli_env(EVAL_MM_PLUGINS=str(PLUGIN)))
    assert proc.returncode == 0, proc.stderr
    assert "colour-names" in proc.stdout
    metrics = run_cli("list", "metrics", "--plugin", str(PLUGIN))
    assert "colour_match" in metrics.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "is not a Python file"),
        ("raise RuntimeError('boom')\n", "failed to import: RuntimeError: boom"),
        ("def broken(:\n", "failed to import: SyntaxError"),
    ],
)
def test_a_bad_plugin_is_a_usage_error(tmp_path: Path, content: str | None, expected: str) -> None:
    path = tmp_path / "missing.py"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    proc = run_cli("list", "tasks", "--plugin", str(path))
    assert proc.returncode == 2
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("module", ["eval_mm.tests", "eval_mm.eval_mm", "eval_mm.results"])
def test_only_the_three_user_folders_map_into_eval_mm(module: str) -> None:
    code = (
        "import importlib.util as u, eval_mm.tasks, eval_mm.judges, eval_mm.leaderboard; "
        f"print(u.find_spec({module!r}) is None)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=cli_env(), capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"


def test_one_copy_of_each_module() -> None:
    """The mapped folders are eval_mm subpackages, so a registry exists once."""
    import eval_mm.judges.scorer
    import eval_mm.tasks.ja_word_ocr
    from eval_mm.registries import TASKS

    assert TASKS.get("ja-word-ocr") is eval_mm.tasks.ja_word_ocr.JaWordOcr
    assert Path(eval_mm.judges.scorer.__file__).parent.name == "judges"
