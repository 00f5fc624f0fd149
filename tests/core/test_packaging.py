"""The wheel ships tasks/judges/leaderboard inside `eval_mm` and imports on a clean install."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.core.test_plugins import colour_data

__all__ = ["colour_data"]  # the synthetic colour data, a fixture shared with the plugin tests


def _clean_env() -> dict[str, str]:
    """The environment without PYTHONPATH, so that the clean venv sees only its own packages."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return next(out.glob("*.whl"))


def test_wheel_has_no_top_level_tasks_or_judges(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    assert tops == {
        "eval_mm",
        wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1] + ".dist-info",
    }
    assert "eval_mm/tasks/ja_word_ocr.py" in names
    assert "eval_mm/judges/__init__.py" in names
    assert "eval_mm/leaderboard/__init__.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


@pytest.fixture(scope="module")
def clean_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with only the wheel (and its light dependencies)."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    subprocess.run(
        [str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
        check=True,
        capture_output=True,
        timeout=900,
    )
    return env_dir


@pytest.mark.slow
def test_clean_install_imports_and_lists_tasks(clean_venv: Path, tmp_path: Path) -> None:
    py = clean_venv / "bin" / "python"
    code = (
        "import importlib.util, eval_mm, eval_mm.tasks, eval_mm.judges;"
        "assert 'site-packages' in eval_mm.tasks.__file__;"
        "assert importlib.util.find_spec('tasks') is None;"
        "assert importlib.util.find_spec('judges') is None;"
        "assert importlib.util.find_spec('eval_mm.tests') is None;"
        "assert importlib.util.find_spec('torch') is None"
    )
    subprocess.run([str(py), "-c", code], check=True, cwd=tmp_path, timeout=120, env=_clean_env())
    proc = subprocess.run(
        [str(clean_venv / "bin" / "eval-mm"), "list", "tasks"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=_clean_env(),
    )
    assert proc.returncode == 0, proc.stderr
    assert "ja-word-ocr" in proc.stdout


@pytest.mark.slow
def test_example_plugin_installed_through_entry_points(
    clean_venv: Path, colour_data: Path, tmp_path: Path
) -> None:
    """The example plugin as a package: its task and metric appear without `--plugin`."""
    subprocess.run(
        [str(clean_venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps",
         str(ROOT / "examples" / "plugin")],
        check=True,
        capture_output=True,
        timeout=600,
    )
    eval_mm = str(clean_venv / "bin" / "eval-mm")
    run = subprocess.run(
        [eval_mm, "run", "-m", "oracle", "-t", "colour-names", "--data", str(colour_data),
         "-o", str(tmp_path / "results"), "--no-progress"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, env=_clean_env(),
    )
    assert run.returncode == 0, run.stderr
    (summary,) = (tmp_path / "results").rglob("summary.json")
    metrics = json.loads(summary.read_text(encoding="utf-8"))["metrics"]
    assert metrics["colour_match"]["value"] == 100
