"""Reasoning judges against the fake server: the gpt-oss-20b-local profile's request
parameters, and the reasoning stripped before parsing wherever the server puts it
(`reasoning_content` / `reasoning` fields, `<think>`, harmony channels with or without
special tokens). No final answer -> judge_error (strict unscored, legacy 0)."""

from __future__ import annotations

from collections.abc import Callable

from eval_mm.core.scoring import ScoreContext
from eval_mm.judges.reply import final_answer
from eval_mm.registries import METRICS
from tests.judge.conftest import qa_samples
from tests.support.openai_server import FakeOpenAI, harmony

Ctx = Callable[..., ScoreContext]

REPLIES = {  # model output -> what the judge server returns; the first digit is never the score
    "a": {"content": "4", "reasoning_content": "Step 1 of 3: the answer is close."},
    "b": {"content": "5", "reasoning": "2 facts match, 0 contradict."},
    "c": harmony("Compare: 1 fact is missing", "3"),
    "d": harmony("Maybe 1 or 2", "2", tokens=False),
    "e": harmony("Thinking about 5 criteria and never concluding", None),
    "f": {"content": None, "reasoning_content": "cut off after 1024 tokens"},
    "g": "<think>1 or 5?</think>\n\n1",
}
EXPECTED = {"a": 4, "b": 5, "c": 3, "d": 2, "e": None, "f": None, "g": 1}


def test_the_gpt_oss_profile_parses_only_final_answers(
    fake_openai: FakeOpenAI, judge_ctx: Ctx
) -> None:
    for out, reply in REPLIES.items():
        fake_openai.script(f"Prediction: {out}\n", reply)
    fake_openai.server_info = {
        "version": "0.11.0",
        "id": "openai/gpt-oss-20b",
        "root": "/models/gpt-oss-20b",
        "max_model_len": 131072,
    }
    samples = qa_samples(len(REPLIES))
    outputs = list(REPLIES)
    ctx = judge_ctx(profile="gpt-oss-20b-local", runs=1)
    strict = METRICS.get("judge_1to5")()
    legacy = METRICS.get("judge_1to5_legacy")()
    strict.preflight(ctx)
    s_scores = strict.score(samples, outputs, ctx)
    l_scores = legacy.score(samples, outputs, ctx)

    bodies = fake_openai.chat_bodies()
    assert len(bodies) == len(REPLIES)  # the legacy metric reads the same replies
    for body in bodies:
        assert body["model"] == "openai/gpt-oss-20b" and body["reasoning_effort"] == "low"
        assert body["max_completion_tokens"] == 1024 and "max_tokens" not in body
        assert body["temperature"] == 0 and body["seed"] == 0
    got = {o: s.value for o, s in zip(outputs, s_scores, strict=True)}
    assert got == EXPECTED
    assert {o: s.value for o, s in zip(outputs, l_scores, strict=True)} == {
        o: float(v) if v is not None else 0.0 for o, v in EXPECTED.items()
    }
    runs = {o: s.details["runs"][0] for o, s in zip(outputs, s_scores, strict=True)}
    assert runs["a"]["reasoning"].startswith("Step 1") and "answer" not in runs["a"]
    assert runs["c"]["answer"] == "3" and runs["c"]["reasoning"] == "Compare: 1 fact is missing"
    assert runs["d"]["answer"] == "2" and runs["d"]["reply"].startswith("analysis")
    for out in ("e", "f"):
        assert runs[out]["status"] == "judge_error" and "no final answer" in runs[out]["error"]
        assert s_scores[outputs.index(out)].reason == "judge_error"
    fp = strict.fingerprint(ctx)["judge"]
    assert fp["profile"] == "gpt-oss-20b-local" and fp["reply_format"] == "harmony"
    assert fp["reasoning_effort"] == "low" and fp["token_param"] == "max_completion_tokens"
    assert ctx.card["judge"]["ledger"]["cost_usd"] == 0.0  # a local judge has no bill
    assert ctx.card["judge"]["server"] == {
        "server_version": "0.11.0",
        "model_root": "/models/gpt-oss-20b",
        "max_model_len": 131072,
    }


def test_plain_judges_read_channel_markup_but_not_the_untokened_form() -> None:
    marked = harmony("thinking 1", "4")
    assert final_answer(marked, None, harmony=False).answer == "4"
    assert final_answer("analysis of the answer: 4", None, harmony=False).answer == (
        "analysis of the answer: 4"
    )
    assert final_answer("analysis of the answer: 4", None, harmony=True).answer is None
    # a server that split the channels already gives the final text as content
    assert final_answer("analysis: 4", "reasoned", harmony=True).answer == "analysis: 4"
