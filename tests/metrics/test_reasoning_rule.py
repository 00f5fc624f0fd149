"""The reasoning rule of each scorer applied in the scoring phase (spec tasks-2026.md §1):
which rule a metric gets, what its input becomes (the §1.3 vectors), how items without a
final answer are marked and counted, and when a stored score is reused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval_mm.core.scoring import ScoreContext
from eval_mm.reasoning import (
    NO_FINAL_ANSWER,
    score_outputs,
    scorer_input,
)
from eval_mm.registries import METRICS
from eval_mm.score import sample_record, score_run
from tests.metrics.helpers import make_sample

RULES = {
    "strict": ("anls", "exact_match", "rougel", "judge_1to5", "heron_rel", "jmmmu_acc",
               "mmmu_acc", "mmmu_acc_official", "jwt_board_acc", "jammeval_acc",
               "jammeval_acc_v0", "vqa_acc"),
    # the reference's strip, where spec §1.1 lists it
    "legacy": ("substring_acc_legacy", "ai2d_acc_legacy", "jwt_cer_sim_legacy",
               "jwt_kie_f1_legacy"),
    # the 0.4.1 parity metrics and every legacy judge: no strip at all
    "raw": ("cvqa_acc_legacy", "mecha_acc_legacy", "jmmmu_acc_legacy", "jdocqa_acc_legacy",
            "jic_acc_legacy", "judge_1to5_legacy", "heron_rel_legacy", "heron_rel_original",
            "jmmmu_acc_legacy_random", "mmmu_acc_legacy", "jwt_board_acc_legacy"),
}  # fmt: skip


@pytest.mark.parametrize("rule", list(RULES))
def test_each_metric_names_its_rule(rule: str) -> None:
    for metric in RULES[rule]:
        assert METRICS.get(metric)().reasoning_rule() == rule, metric


NFA = None  # no final answer
VECTORS = [  # output, legacy, strict
    ("B", "B", "B"),
    ("<think>reasoning A</think>\n\nB", "B", "B"),
    ("<THINK>x</THINK>y", "y", "y"),
    ("<think>abc", "abc", NFA),
    ("answer <think> unfinished reasoning", "unfinished reasoning", NFA),
    ("reasoning text only</think>\n\nB", "reasoning text only</think>\n\nB", "B"),
    ("<think>a</think>mid<think>b</think>end", "midend", "end"),
    ("<think>a</think>x<think>open", "open", NFA),
    ("<think>a<think>b</think>c</think>d", "c</think>d", "d"),
    ("x</think>y<think>z", "z", NFA),
]


@pytest.mark.parametrize(("output", "legacy", "strict"), VECTORS)
def test_scorer_input_vectors(output: str, legacy: str, strict: str | None) -> None:
    assert scorer_input("legacy", output).text == legacy
    got = scorer_input("strict", output)
    assert got.no_final_answer is (strict is None)
    assert got.text == (strict if strict is not None else "")
    assert scorer_input("raw", output).text == output


def test_tag_free_outputs_pass_unchanged_under_strict() -> None:
    # Trimming is each metric's business: exact_match keeps its raw equality (metrics.md §5.1).
    assert scorer_input("strict", "  A \n").text == "  A \n"
    assert scorer_input("legacy", "  A \n").text == "A"  # the reference trims always


def test_no_final_answer_is_the_empty_prediction_marked() -> None:
    scorer = METRICS.get("exact_match")()
    samples = [make_sample(["A"], sid=f"s{i}") for i in range(3)]
    outputs = ["<think>A", "<think>hmm</think>A", "A"]
    scores = score_outputs(scorer, samples, outputs, ScoreContext())
    assert [s.value for s in scores] == [0.0, 1.0, 1.0]
    assert [s.details.get(NO_FINAL_ANSWER) for s in scores] == [True, None, None]
    assert [s.details.get("reasoning_chars") for s in scores] == [8, len("<think>hmm"), None]


def test_strict_judge_gets_its_empty_score_without_a_call(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    ctx = ScoreContext(options={"judge": {"base_url": "http://127.0.0.1:9/v1",
                                          "cache": str(tmp_path)}})  # fmt: skip
    sample = make_sample(["答え"], sid="q1")
    (got,) = score_outputs(METRICS.get("judge_1to5")(), [sample], ["<think>長い推論"], ctx)
    assert got.value == 1.0 and got.details[NO_FINAL_ANSWER] is True  # nothing was sent
    ctx.close()


def _run(folder: Path, outputs: list[str], opened: bool = False) -> Path:
    samples = [make_sample(["A"], sid=f"s{i}") for i in range(len(outputs))]
    flag = {"prompt_opened_reasoning": True} if opened else {}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "samples.jsonl").write_text(
        "".join(json.dumps(sample_record(s)) + "\n" for s in samples), encoding="utf-8"
    )
    (folder / "predictions.jsonl").write_text(
        "".join(
            json.dumps({"id": s.id, "output": o, "error": None, **flag}) + "\n"
            for s, o in zip(samples, outputs, strict=True)
        ),
        encoding="utf-8",
    )
    return folder


def test_scoring_phase_counts_no_final_answer_per_metric(tmp_path: Path) -> None:
    run = _run(tmp_path / "run", ["<think>A", "<think>x</think>A", "A", "<think>B"])
    scorers = [METRICS.get(m)() for m in ("exact_match", "substring_acc_legacy")]
    outcomes, _ = score_run(run, scorers, ScoreContext(), (), progress=False)
    strict, legacy = outcomes["exact_match"].summary, outcomes["substring_acc_legacy"].summary
    assert strict.value == 50.0 and strict.extra[NO_FINAL_ANSWER] == 2
    assert legacy.value == 75.0 and legacy.extra[NO_FINAL_ANSWER] == 0  # "A" kept by the quirk
    assert outcomes["exact_match"].scorer["fingerprint"]["reasoning"] == "strict"


def test_a_block_the_prompt_opened_is_reasoning_until_closed(tmp_path: Path) -> None:
    """Qwen3 Thinking templates end the prompt with `<think>`: the output has no opening tag.
    The strict rule reads a text without `</think>` as reasoning cut before its answer; the
    legacy and raw rules read the output as generated, as the reference's scorers did."""
    run = _run(tmp_path / "run", ["cut while thinking A", "thought</think>A", "A"], opened=True)
    scorers = [METRICS.get(m)() for m in ("exact_match", "substring_acc_legacy")]
    outcomes, _ = score_run(run, scorers, ScoreContext(), (), progress=False)
    strict, legacy = outcomes["exact_match"].summary, outcomes["substring_acc_legacy"].summary
    assert strict.extra[NO_FINAL_ANSWER] == 2 and strict.value == pytest.approx(100 / 3)
    assert legacy.value == 100.0 and legacy.extra[NO_FINAL_ANSWER] == 0
    assert scorer_input("strict", "r</think> A", prompt_opened=True).text == "A"


def test_the_rule_is_part_of_the_fingerprint() -> None:
    """A stored score is reused only under the same rule: the rule is in the fingerprint."""
    from eval_mm.metrics.exact import ExactMatch

    class RawExact(ExactMatch):
        reasoning = "raw"

    ctx = ScoreContext()
    strict, raw = ExactMatch().fingerprint(ctx), RawExact().fingerprint(ctx)
    assert strict["reasoning"] == "strict" and raw["reasoning"] == "raw"
    assert {k: v for k, v in strict.items() if k not in ("reasoning", "class")} == {
        k: v for k, v in raw.items() if k not in ("reasoning", "class")
    }
