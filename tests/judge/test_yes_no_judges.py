"""Yes/no judge metrics through the fake server: the JaWildText board judge (legacy vs strict:
boxed answers, harmony final channel, failures) and the JAMMEval grader (v0 vs newer
failures, the regex-first multiple choice path, repeats as judge runs, the exact prompt)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from eval_mm.core.sample import Sample, user_turn
from eval_mm.core.scoring import ScoreContext
from eval_mm.judges.jammeval import grader_answer
from eval_mm.judges.prompt import load_prompt
from eval_mm.reasoning import score_outputs
from eval_mm.registries import METRICS
from tests.support.openai_server import FakeOpenAI

Ctx = Callable[..., ScoreContext]
SUFFIX = "\n画像を参照して回答してください。"


def board_samples(n: int) -> list[Sample]:
    return [
        Sample(
            f"b{i}", user_turn(f"質問{i}{SUFFIX}"), [f"正解{i}"], judge_question=f"質問{i}{SUFFIX}"
        )
        for i in range(n)
    ]


def run(metric: str, samples: list[Sample], outputs: list[str], ctx: ScoreContext):  # type: ignore[no-untyped-def]
    scorer = METRICS.get(metric)()
    scores = score_outputs(scorer, samples, outputs, ctx)
    return scores, scorer.aggregate(samples, scores)


def test_board_prompt_is_the_reference_text(fake_openai: FakeOpenAI, judge_ctx: Ctx) -> None:
    fake_openai.script("[モデルの回答]:", "correct: yes")
    run("jwt_board_acc", board_samples(1), ["考えた結果 \\boxed{ 正解0 }"], judge_ctx(runs=1))
    (body,) = fake_openai.chat_bodies()
    prompt = load_prompt("jwt_board_llmjp")
    assert body["messages"] == [
        {"role": "system", "content": "あなたは回答の正誤を判定する専門家です。"},
        {
            "role": "user",
            "content": prompt.user_template.replace("{question}", f"質問0{SUFFIX}")
            .replace("{gold_answer}", "正解0")
            .replace("{prediction}", "正解0"),  # the boxed content, trimmed
        },
    ]
    assert body["seed"] == 0 and body["temperature"] == 0


def test_board_legacy_and_strict(fake_openai: FakeOpenAI, judge_ctx: Ctx) -> None:
    harmony = (
        "<|channel|>analysis<|message|>If they differ: correct: no<|end|>"
        "<|start|>assistant<|channel|>final<|message|>correct: yes<|return|>"
    )
    fake_openai.script("[モデルの回答]: 長い説明", "correct: yes")  # no box: the whole text
    fake_openai.script("[モデルの回答]: 東京", harmony)
    fake_openai.script("[モデルの回答]: 大阪", "I cannot decide.")
    outputs = [
        "長い説明で答えは東京",  # no box
        "\\boxed{東京}",
        "\\boxed{大阪}",
        "\\boxed{}",  # empty: 0, no call
        "<think>\\boxed{東京}",  # strict: no final answer; legacy: raw output, boxed 東京
    ]
    ctx = judge_ctx(runs=1, reask=0)
    strict, s_sum = run("jwt_board_acc", board_samples(5), outputs, ctx)
    legacy, l_sum = run("jwt_board_acc_legacy", board_samples(5), outputs, ctx)
    assert [s.value for s in strict] == [0.0, 1.0, None, 0.0, 0.0]
    no_box, empty = "no_boxed", "empty_prediction"
    assert [s.details.get("status") for s in strict] == [no_box, None, None, empty, no_box]
    assert strict[2].reason == "parse_failure" and strict[4].details["no_final_answer"] is True
    assert s_sum.value == pytest.approx(25.0)
    assert s_sum.extra["without_judge"] == {no_box: 2, empty: 1}
    # Legacy: the whole unboxed text is judged, the analysis text's verdict is read first,
    # an unreadable reply is "no".
    assert [s.value for s in legacy] == [1.0, 0.0, 0.0, 0.0, 0.0]
    assert l_sum.value == pytest.approx(20.0) and l_sum.unscored == 0
    assert s_sum.scale == 100.0 and s_sum.ci_high is not None and s_sum.ci_high <= 100.0


def test_board_judge_errors(fake_openai: FakeOpenAI, judge_ctx: Ctx) -> None:
    fake_openai.fail_next(50, status=500)
    ctx = judge_ctx(runs=1, max_attempts=2)
    strict, s_sum = run("jwt_board_acc", board_samples(2), ["\\boxed{a}", "\\boxed{b}"], ctx)
    legacy, _ = run("jwt_board_acc_legacy", board_samples(2), ["\\boxed{a}", "\\boxed{b}"], ctx)
    assert [s.reason for s in strict] == ["judge_error"] * 2 and s_sum.value is None
    assert [s.value for s in legacy] == [0.0, 0.0]  # the reference's failed call: "no"


def jam_samples() -> list[Sample]:
    opts = {"options": ["春", "夏", "秋", "冬"]}
    return [
        Sample(
            "o1",
            user_turn("何の動物？\n上記の質問に…"),
            ["猫"],
            judge_question="何の動物？\n上記の質問に…",
        ),
        Sample("o2", user_turn("色は？"), ["青"], judge_question="色は？"),
        Sample("o3", user_turn("季節は？"), ["猫"], judge_question="季節は？"),
        Sample("m1", user_turn("季節は？\nA. 春"), ["B"], dict(opts), "季節は？\nA. 春"),
        Sample("m2", user_turn("季節は？\nA. 春"), ["B"], dict(opts), "季節は？\nA. 春"),
    ]


def test_jammeval_grader(fake_openai: FakeOpenAI, judge_ctx: Ctx) -> None:
    fake_openai.script("[response]: ねこ\n", ["correct: yes", "correct: yes", "correct: no"])
    fake_openai.script("[response]: あお\n", "extracted_final_answer: あお\nreasoning: -\n")
    fake_openai.script("[response]: たぶん夏\n", "CORRECT : Yes")
    fake_openai.script("[response]:", "No response (bad request).")
    outputs = ["ねこ", "あお", "いぬ", "Answer: B", "たぶん夏"]
    ctx = judge_ctx(runs=3, reask=0)
    new, n_sum = run("jammeval_acc", jam_samples(), outputs, ctx)
    old, o_sum = run("jammeval_acc_v0", jam_samples(), outputs, ctx)
    assert [s.value for s in new] == [pytest.approx(2 / 3), None, None, 1.0, 1.0]
    assert [s.reason for s in new][1:3] == ["parse_failure", "parse_failure"]
    assert new[3].details == {"status": "regex", "parsed": "B"}  # no grader call
    assert [s.value for s in old] == [pytest.approx(2 / 3), 0.0, 0.0, 1.0, 1.0]
    # Repeats: per run over the graded items (run 3 said "no" to the first item).
    assert n_sum.extra["per_run"] == [100.0, 100.0, pytest.approx(200 / 3)]
    assert n_sum.extra["min"] == pytest.approx(200 / 3) and n_sum.extra["max"] == 100.0
    assert n_sum.extra["majority"] == 100.0 and n_sum.unscored == 2
    assert o_sum.value == pytest.approx((60 + 60 + 40) / 3)
    bodies = fake_openai.chat_bodies()
    assert len(bodies) == 4 * 3  # four items graded x three runs; shared by both metrics
    fallback = next(b for b in bodies if "たぶん夏" in b["messages"][1]["content"])
    assert "[correct_answer]: B\n" in fallback["messages"][1]["content"]  # the gold letter
    assert fallback["messages"][0] == {"role": "system", "content": "You are a helpful assistant."}


def test_grader_answer_for_several_golds() -> None:
    assert grader_answer(["猫"]) == "猫"
    assert grader_answer([" a ", "b", "a", ""]) == (
        'Any one of the following is an acceptable answer: "a", "b"'
    )
