"""Session fixtures for the task tests: every synthetic dataset is built once, JIC-VQA is
prepared by the real preparation script from a local HTTP server, a fake OpenAI-compatible
judge runs on 127.0.0.1, and each model (oracle, const-answer) runs over all tasks in one
CLI invocation each (EVAL_MM_DATA_DIR points every task at its local copy)."""

from __future__ import annotations

import csv
import importlib.util
import io
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import ROOT, cli_env
from tests.support.openai_server import FakeOpenAI
from tests.tasks import synthetic
from tests.tasks.helpers import ALL_TASKS, TASK_ARG, find_runs, judge_flags

HERON_GOOD = '{"score_gpt": 8, "score": 8}'
HERON_BAD = '{"score_gpt": 8, "score": 1}'
JAMMEVAL_YES = "extracted_final_answer: x\nreasoning: same\ncorrect: yes\nconfidence: 100"
JAMMEVAL_NO = "extracted_final_answer: ZZZ\nreasoning: differs\ncorrect: no\nconfidence: 100"


def load_prepare_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "prepare_jic_vqa", ROOT / "scripts" / "prepare_jic_vqa.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["prepare_jic_vqa"] = module
    spec.loader.exec_module(module)
    return module


class ImageServer:
    """Serves /img/<n>.png as a solid palette colour; anything else is 404 (link rot)."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                name = self.path.rsplit("/", 1)[-1]
                if self.path.startswith("/img/") and name.endswith(".png"):
                    buf = io.BytesIO()
                    synthetic.solid(int(name[:-4]), (300, 200)).save(buf, format="PNG")
                    body = buf.getvalue()
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                else:
                    self.send_error(404)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def write_jic_csvs(folder: Path, base_url: str) -> None:
    """The four CSV files of JIC-VQA, made up; the landmark row's URL is dead."""
    folder.mkdir(parents=True, exist_ok=True)
    by_file = {
        "jaflower30.csv": [1, 2, 3],
        "jafood101.csv": [4, 5],
        "jalandmark10.csv": [6],
        "jafacility20.csv": [],
    }
    rows = {r["id"]: r for r in synthetic.JIC_ROWS}
    for name, ids in by_file.items():
        with (folder / name).open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=["id", "url", "category", "question"])
            w.writeheader()
            for i in ids:
                r = rows[i]
                url = f"{base_url}/img/{r['colour']}.png" if i != 6 else f"{base_url}/gone/{i}.png"
                w.writerow(
                    {"id": i, "url": url, "category": r["category"], "question": r["question"]}
                )


@pytest.fixture(scope="session")
def prepare_script() -> ModuleType:
    return load_prepare_script()


@pytest.fixture(scope="session")
def data_root(tmp_path_factory: pytest.TempPathFactory, prepare_script: ModuleType) -> Path:
    root = tmp_path_factory.mktemp("task-data")
    for build in synthetic.BUILDERS.values():
        build(root)
    with ImageServer() as base_url:
        csv_dir = root / "jic-csv"
        write_jic_csvs(csv_dir, base_url)
        rc = prepare_script.main(
            [
                "--csv-dir",
                str(csv_dir),
                "--output",
                str(root / "jic-vqa"),
                "--attempts",
                "2",
                "--base-delay",
                "0.01",
                "--workers",
                "2",
            ]
        )
        assert rc == 0
    return root


@pytest.fixture(scope="session")
def judge_server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(default_reply="5") as srv:
        wrong = synthetic.WRONG_ANSWER
        srv.script(f'"model_answer": {wrong}', HERON_BAD)  # heron_llmjp_v2 (JSON) prompt
        srv.script("Model Answer", HERON_GOOD)  # any other heron_llmjp_v2 request
        srv.script(f"[Assistant 2]\n{wrong}\n", "8 1\nweak")  # heron_original_v1 prompt
        srv.script("[Assistant 2]", "8 8\nsame")
        srv.script(f"Prediction: {wrong}\n", "1")  # judge_1to5_llmjp
        srv.script(f"[モデルの回答]: {wrong}\n", "correct: no")  # jwt_board_llmjp
        srv.script("[モデルの回答]:", "correct: yes")
        srv.script(f"[response]: {wrong}\n", JAMMEVAL_NO)  # jammeval_hle_ja_v1
        srv.script("[response]:", JAMMEVAL_YES)
        yield srv


def shim_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI plus the `const-answer` test model, in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "tests.tasks.shim", *args],
        cwd=ROOT,
        env=env or cli_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )


def run_all(model: str, data_root: Path, out: Path, server: FakeOpenAI) -> dict[str, Path]:
    env = cli_env(
        EVAL_MM_DATA_DIR=str(data_root), OPENAI_API_KEY="sk-test", EVAL_MM_CACHE=str(out / "cache")
    )
    proc = shim_cli(
        "run",
        "--model",
        model,
        "--task",
        TASK_ARG,
        "-o",
        str(out / "results"),
        *judge_flags(server.base_url),
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-4000:] + proc.stdout[-2000:]
    runs = find_runs(out / "results")
    assert set(runs) == set(ALL_TASKS), sorted(runs)
    return runs


@pytest.fixture(scope="session")
def oracle_runs(
    data_root: Path, judge_server: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    return run_all("oracle", data_root, tmp_path_factory.mktemp("oracle"), judge_server)


@pytest.fixture(scope="session")
def wrong_runs(
    data_root: Path, judge_server: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    return run_all("const-answer", data_root, tmp_path_factory.mktemp("wrong"), judge_server)
