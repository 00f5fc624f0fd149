"""Fixtures of the judge tests: the fake OpenAI server and judge contexts pointing at it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from eval_mm.core.sample import Sample, user_turn
from eval_mm.core.scoring import ScoreContext
from tests.support.openai_server import FakeOpenAI, fake_openai  # noqa: F401  (fixture)

SECRET = "sk-test-DO-NOT-LEAK-4242"


@pytest.fixture
def judge_ctx(
    fake_openai: FakeOpenAI,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[..., ScoreContext]]:
    """A factory of ScoreContexts whose judge talks to the fake server with fast retries."""
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    for var in ("OPENAI_BASE_URL", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT"):
        monkeypatch.delenv(var, raising=False)
    made: list[ScoreContext] = []

    def make(**judge: Any) -> ScoreContext:
        opts = {
            "base_url": fake_openai.base_url,
            "cache": str(tmp_path / "cache"),
            "backoff_base_s": 0.01,
            "timeout_s": 2.0,
            **judge,
        }
        ctx = ScoreContext(options={"judge": opts})
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


def qa_samples(n: int, prefix: str = "s") -> list[Sample]:
    return [
        Sample(f"{prefix}{i}", user_turn(f"質問{i}"), [f"答え{i}"], judge_question=f"質問{i}")
        for i in range(n)
    ]


def heron_samples(cats: list[str]) -> list[Sample]:
    return [
        Sample(
            f"h{i}",
            user_turn(f"q{i}"),
            [f"ref{i}"],
            {"category": c, "context": f"ctx{i}"},
            judge_question=f"q{i}",
        )
        for i, c in enumerate(cats)
    ]


def write_run(
    folder: Path, task: str, samples: list[Sample], outputs: list[str], model: str = "fake-model"
) -> Path:
    """A run folder as `eval-mm run` leaves it after generation (for `eval-mm score`)."""
    from eval_mm.registries import TASKS
    from eval_mm.score import sample_record

    folder.mkdir(parents=True)
    cls = TASKS.get(task)
    card = {
        "schema": 1,
        "config_id": f"test-{model}",
        "status": "complete",
        "task": {"id": task, "version": cls.version, "prompt_variant": None, "options": {}},
        "model": {"id": model},
        "counts": {"samples": len(samples)},
    }
    (folder / "run.json").write_text(json.dumps(card), encoding="utf-8")
    (folder / "samples.jsonl").write_text(
        "".join(json.dumps(sample_record(s), ensure_ascii=False) + "\n" for s in samples),
        encoding="utf-8",
    )
    (folder / "predictions.jsonl").write_text(
        "".join(
            json.dumps({"id": s.id, "output": o, "error": None}, ensure_ascii=False) + "\n"
            for s, o in zip(samples, outputs, strict=True)
        ),
        encoding="utf-8",
    )
    return folder
