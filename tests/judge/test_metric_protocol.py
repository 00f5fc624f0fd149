"""Judge settings fixed by a metric's own protocol (tasks-2026 §2.1-§2.3, §7.3): the board
judge's legacy metric asks with the reference's 256 tokens while the strict one keeps 1024;
JAMMEval's grader is gpt-5.1 without reasoning unless the user chose a judge. Each shows in the
requests sent, in the metric's fingerprint (its column key) and in the run card."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from eval_mm.core.scoring import ScoreContext
from eval_mm.reasoning import score_outputs
from eval_mm.registries import METRICS
from tests.judge.test_yes_no_judges import board_samples
from tests.support.openai_server import FakeOpenAI

Ctx = Callable[..., ScoreContext]


def _score(metric: str, ctx: ScoreContext, outputs: list[str]) -> None:
    scorer = METRICS.get(metric)()
    score_outputs(scorer, board_samples(len(outputs)), outputs, ctx)


def test_board_legacy_asks_with_the_reference_limit(
    fake_openai: FakeOpenAI, judge_ctx: Ctx
) -> None:
    fake_openai.script("[モデルの回答]", "correct: yes")
    ctx = judge_ctx(runs=1)
    _score("jwt_board_acc", ctx, ["\\boxed{東京}"])
    _score("jwt_board_acc_legacy", ctx, ["\\boxed{東京}"])
    strict, legacy = fake_openai.chat_bodies()
    assert strict["max_tokens"] == 1024 and legacy["max_tokens"] == 256
    fps = {
        m: METRICS.get(m)().fingerprint(ctx)["judge"]
        for m in ("jwt_board_acc", "jwt_board_acc_legacy")
    }
    assert fps["jwt_board_acc"]["max_tokens"] == 1024
    assert fps["jwt_board_acc_legacy"]["max_tokens"] == 256
    # The card's judge record is the invocation's; the legacy metric's own judge is apart.
    assert ctx.card["judge"]["max_tokens"] == 1024
    assert ctx.card["judge"]["metric_judges"]["jwt_board_acc_legacy"]["max_tokens"] == 256


def test_an_explicit_limit_wins_over_the_protocol(fake_openai: FakeOpenAI, judge_ctx: Ctx) -> None:
    fake_openai.script("[モデルの回答]", "correct: yes")
    _score("jwt_board_acc_legacy", judge_ctx(runs=1, max_tokens=2048), ["\\boxed{東京}"])
    (body,) = fake_openai.chat_bodies()
    assert body["max_tokens"] == 2048


def test_jammeval_grader_by_default(fake_openai: FakeOpenAI, judge_ctx: Ctx) -> None:
    fake_openai.script("correct_answer", "extracted_final_answer: x\ncorrect: yes")
    ctx = judge_ctx(runs=1)
    _score("jammeval_acc", ctx, ["東京"])
    (body,) = fake_openai.chat_bodies()
    assert body["model"] == "gpt-5.1-2025-11-13"
    assert body["reasoning_effort"] == "none"
    assert body["max_completion_tokens"] == 1024 and "max_tokens" not in body
    fp = METRICS.get("jammeval_acc")().fingerprint(ctx)["judge"]
    assert fp["model"] == "gpt-5.1-2025-11-13"


@pytest.mark.parametrize(
    ("options", "model"),
    [
        ({"model": "my-grader"}, "my-grader"),
        ({"profile": "gpt-oss-20b-local"}, "openai/gpt-oss-20b"),
    ],
)
def test_a_chosen_judge_grades_jammeval(
    fake_openai: FakeOpenAI, judge_ctx: Ctx, options: dict[str, str], model: str
) -> None:
    fake_openai.script("correct_answer", "correct: yes")
    ctx = judge_ctx(runs=1, **options)
    _score("jammeval_acc", ctx, ["東京"])
    (body,) = fake_openai.chat_bodies()
    assert body["model"] == model
    assert METRICS.get("jammeval_acc")().fingerprint(ctx)["judge"]["model"] == model


def test_each_judge_keeps_its_entry_in_the_run_ledger(
    fake_openai: FakeOpenAI, judge_ctx: Ctx, tmp_path: Path
) -> None:
    """Two engines of one invocation (the board's strict judge and its legacy protocol) write
    one ledger file; a later write of either replaces its own entry, never the other's."""
    from eval_mm.judges.ledger import LEDGER_FILE
    from eval_mm.store import read_json

    fake_openai.script("[モデルの回答]", "correct: yes")
    ctx = judge_ctx(runs=1)
    ctx.run_dir = tmp_path / "run"
    ctx.run_dir.mkdir()
    for metric in ("jwt_board_acc", "jwt_board_acc_legacy", "jwt_board_acc"):
        _score(metric, ctx, ["\\boxed{東京}"])
    ledger = read_json(ctx.run_dir / LEDGER_FILE)
    assert len(ledger["invocations"]) == 2
    assert ledger["requests"] == 2  # the third call was answered from the first's replies
    # A second invocation adds its own entries after the first's.
    ctx2 = judge_ctx(runs=1)
    ctx2.run_dir = ctx.run_dir
    _score("jwt_board_acc_legacy", ctx2, ["\\boxed{東京}"])
    assert len(read_json(ctx.run_dir / LEDGER_FILE)["invocations"]) == 3
