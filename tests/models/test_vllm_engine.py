"""The vLLM adapter against a stand-in engine (tests/support/fake_vllm.py): chunks saved as
they end, failing requests found by bisection, the engine's own failures stop the run,
finish reasons and token counts, the checkpoint's generation defaults."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from eval_mm.core.model import Generation, GenerationConfig, GenerationFailure
from eval_mm.core.sample import Sample, user_turn
from eval_mm.failures import FatalError
from eval_mm.generate import run_generation
from eval_mm.models import vllm_engine
from eval_mm.models.catalog import ModelSpec
from eval_mm.models.vllm_engine import VLLMModel, engine_failure, reasoning_token_count
from eval_mm.store import PREDICTIONS, read_jsonl
from tests.support import fake_vllm
from tests.support.fake_vllm import Completion


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Any:
    fake_vllm.install(monkeypatch)
    monkeypatch.setattr(vllm_engine, "check_available", lambda *a, **k: None)  # no hub here
    return fake_vllm


def _samples(n: int, bad: tuple[int, ...] = ()) -> list[Sample]:
    return [
        Sample(f"s{k:03d}", user_turn(("毒" if k in bad else "問") + str(k)), ["x"])
        for k in range(n)
    ]


def _is_bad(request: Any) -> bool:
    return "毒" in fake_vllm.request_text(request)


def test_one_bad_request_among_64_costs_13_calls_not_65(fake: Any) -> None:
    model = VLLMModel("org/model", batch_size=64)
    llm = model.llm
    llm.bad = _is_bad
    out = model.generate(_samples(64, bad=(37,)), GenerationConfig())
    assert isinstance(out[37], GenerationFailure) and out[37].kind == "permanent"
    assert "longer than the maximum model length" in out[37].reason
    assert all(
        isinstance(o, Generation) and o.text == f"答問{k}" for k, o in enumerate(out) if k != 37
    )
    assert len(llm.calls) == 1 + 2 * 6  # the whole chunk, then two halves per level
    answered = Counter(
        t for _, texts in llm.calls for t in texts if not any("毒" in x for x in texts)
    )
    assert len(answered) == 63 and set(answered.values()) == {1}  # each good one: once
    alone = [texts[0] for _, texts in llm.calls if len(texts) == 1]
    assert sorted(alone) == ["問36", "毒37"]  # only the bad one and its last partner


def test_bisection_isolates_each_of_several_bad_requests(fake: Any) -> None:
    model = VLLMModel("org/model")
    model.llm.bad = _is_bad
    out = model.generate(_samples(16, bad=(5, 11)), GenerationConfig())
    failed = [k for k, o in enumerate(out) if isinstance(o, GenerationFailure)]
    assert failed == [5, 11]
    sizes = [len(texts) for _, texts in model.llm.calls]
    assert sizes == [16, 8, 4, 4, 2, 1, 1, 2, 8, 4, 2, 2, 1, 1, 4]  # 15 calls, not 17


def test_chunks_are_saved_as_they_end_and_a_dead_engine_stops_the_run(
    fake: Any, tmp_path: Path
) -> None:
    samples = _samples(10)
    inputs = {s.id: "d" + s.id for s in samples}
    model = VLLMModel("org/model", batch_size=4)
    model.llm.die_on_call = 3

    def run(m: VLLMModel) -> dict[str, Any]:
        return run_generation(
            m, samples, tmp_path, GenerationConfig(), m.batch_size, "made", inputs, progress=False
        )

    with pytest.raises(FatalError, match="rerun the same command to resume"):
        run(model)
    saved = read_jsonl(tmp_path / PREDICTIONS)
    assert [r["id"] for r in saved] == [s.id for s in samples[:8]]  # two chunks of 4
    assert all(r["error"] is None and r["finish_reason"] == "stop" for r in saved)
    again = VLLMModel("org/model", batch_size=4)
    stats = run(again)
    assert stats["generated_now"] == 2 and stats["errors"] == 0
    assert again.llm.calls == [("chat", ["問8", "問9"])]


def test_the_default_chunk_is_a_few_hundred_requests(fake: Any) -> None:
    assert VLLMModel("org/model").batch_size == 512
    assert VLLMModel("org/model", batch_size=64).batch_size == 64


def test_engine_failures_are_fatal_request_failures_are_recorded() -> None:
    class OutOfMemoryError(RuntimeError):
        pass

    with pytest.raises(FatalError, match="gpu_memory_utilization"):
        engine_failure(OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"))
    with pytest.raises(FatalError, match="vLLM's log"):
        engine_failure(fake_vllm.EngineDeadError("EngineCore encountered an issue."))
    with pytest.raises(FatalError):
        engine_failure(RuntimeError("CUDA error: an illegal memory access was encountered"))
    bad = engine_failure(fake_vllm.VLLMValidationError("At most 1 image(s) may be provided"))
    assert bad.kind == "permanent" and bad.reason.startswith("vllm: VLLMValidationError: At")
    assert engine_failure(ValueError("prompt too long")).kind == "permanent"
    assert engine_failure(fake_vllm.EngineGenerateError("retry")).kind == "transient"
    assert engine_failure(TimeoutError("worker timed out")).kind == "transient"


def test_finish_reason_and_token_counts_come_from_the_completion(fake: Any) -> None:
    model = VLLMModel("org/model")

    def reply(request: Any) -> Completion:
        text = fake_vllm.request_text(request)
        if text.startswith("長"):
            return Completion("とても長い", [5, 6, 7, 8], "length")
        if text.startswith("止"):
            return Completion("", [], "abort")
        return Completion("短い", [9, 2], "stop")

    model.llm.reply = reply
    samples = [Sample(i, user_turn(t), ["x"]) for i, t in (("a", "長"), ("b", "短"), ("c", "止"))]
    long, short, aborted = model.generate(samples, GenerationConfig(max_new_tokens=4))
    assert long == Generation("とても長い", "length", output_tokens=4)
    assert short == Generation("短い", "stop", output_tokens=2)
    assert isinstance(aborted, GenerationFailure) and aborted.kind == "transient"
    assert "finish_reason=abort" in aborted.reason


def test_a_thinking_model_counts_its_reasoning_tokens(fake: Any) -> None:
    spec = ModelSpec(
        "thinker", "org/thinker", reasoning="think_tags", reasoning_max_new_tokens=8192
    )
    model = VLLMModel("thinker", spec=spec)
    assert model.reasoning == "think_tags" and model.default_max_new_tokens == 8192
    model.llm.reply = lambda r: Completion("<think>考える</think>答え", [3, 4, 7, 5, 6], "stop")
    (out,) = model.generate([Sample("a", user_turn("問"), ["x"])], GenerationConfig())
    assert isinstance(out, Generation) and (out.output_tokens, out.reasoning_tokens) == (5, 3)
    # A template that opens the block itself (Qwen3 Thinking): a cut output has no tag and
    # is all reasoning; the record says the prompt opened it (the strict rule reads it so).
    opener = VLLMModel("thinker", spec=spec)
    opener.llm.tokenizer.generation_prompt = "<|assistant|><think>\n"
    opener.llm.reply = lambda r: Completion("考え続けて", [3, 4, 5], "length")
    (cut,) = opener.generate([Sample("a", user_turn("問"), ["x"])], GenerationConfig())
    assert isinstance(cut, Generation) and cut.prompt_opened_reasoning
    assert (cut.finish_reason, cut.reasoning_tokens) == ("length", 3)
    assert not out.prompt_opened_reasoning
    plain = VLLMModel("org/model")
    assert plain.reasoning == "none" and plain.default_max_new_tokens is None
    (p,) = plain.generate([Sample("a", user_turn("問"), ["x"])], GenerationConfig())
    assert isinstance(p, Generation) and p.reasoning_tokens is None


def test_a_reasoning_option_without_a_catalog_entry_gets_the_default_budget(fake: Any) -> None:
    from eval_mm.models.catalog import REASONING_MAX_NEW_TOKENS

    model = VLLMModel("org/thinker", reasoning="think_tags")
    assert model.default_max_new_tokens == REASONING_MAX_NEW_TOKENS


def test_models_needing_code_vllm_does_not_run_are_refused(fake: Any) -> None:
    from eval_mm.errors import UserError

    hooked = ModelSpec("hooked", "org/hooked", input_hook="asagi")
    with pytest.raises(UserError, match="only the transformers adapter applies"):
        VLLMModel("hooked", spec=hooked)
    gone = ModelSpec("gone", "org/gone", backend="unsupported", note="needs its own code base")
    with pytest.raises(UserError, match="needs its own code base"):
        VLLMModel("gone", spec=gone)
    assert fake_vllm.LLM.instances == []  # refused before the engine starts


def test_reasoning_token_count_follows_the_strict_rule() -> None:
    close = [7]
    assert reasoning_token_count("<think>a</think>b</think>c", [1, 7, 2, 7, 3], close) == 4
    assert reasoning_token_count("<think>cut by the limit", [1, 2, 3], close) == 3
    assert reasoning_token_count("no tags", [1, 2], close) == 0
    assert reasoning_token_count("a</think>b", [1, 2, 3], close) is None  # tag merged in tokens


CHECKPOINT = {
    "do_sample": True,
    "temperature": 0.7,
    "top_p": 0.8,
    "top_k": 20,
    "repetition_penalty": 1.05,
    "no_repeat_ngram_size": 3,
    "eos_token_id": [151645, 151643],
    "transformers_version": "4.51.0",
}


def test_checkpoint_generation_defaults_are_passed_explicitly(fake: Any) -> None:
    """vLLM ignores generation_config.json once SamplingParams are given: the shared rule's
    settings are passed in them; the run's own decoding settings win."""
    model = _with_checkpoint(CHECKPOINT)
    sample = [Sample("a", user_turn("問"), ["x"])]
    model.generate(sample, GenerationConfig())
    greedy = model.llm.params[-1].kw
    assert greedy["repetition_penalty"] == 1.05 and "top_k" not in greedy
    assert greedy["temperature"] == 0.0 and greedy["top_p"] == 1.0
    model.generate(sample, GenerationConfig(do_sample=True, temperature=0.5, top_p=0.9))
    sampling = model.llm.params[-1].kw
    assert (sampling["top_k"], sampling["temperature"], sampling["top_p"]) == (20, 0.5, 0.9)
    model.generate(sample, GenerationConfig(extra={"repetition_penalty": 1.0}))
    assert model.llm.params[-1].kw["repetition_penalty"] == 1.0
    card = model.card()
    assert "transformers_version" not in card["checkpoint_generation_config"]
    assert card["checkpoint_decoding"]["greedy"] == {
        "applied": {"repetition_penalty": 1.05},
        "unapplied": {"no_repeat_ngram_size": 3},
    }
    assert card["checkpoint_decoding"]["sampling"]["applied"] == {
        "repetition_penalty": 1.05,
        "top_k": 20,
    }


def test_the_checkpoint_defaults_enter_the_run_identity(fake: Any) -> None:
    base = _with_checkpoint(CHECKPOINT).fingerprint()
    assert base == _with_checkpoint(dict(CHECKPOINT)).fingerprint()
    assert base != _with_checkpoint({**CHECKPOINT, "repetition_penalty": 1.2}).fingerprint()


def _with_checkpoint(checkpoint: dict[str, Any]) -> VLLMModel:
    fake_vllm.LLM.checkpoint = checkpoint
    return VLLMModel("org/model")


def test_output_changing_engine_settings_enter_the_run_identity(fake: Any) -> None:
    """The run folder is keyed by the card's `settings`: another dtype or prompt format must
    not resume the old predictions; another tensor-parallel size or memory share may."""

    def settings(**options: Any) -> dict[str, Any]:
        return dict(VLLMModel("org/model", **options).card()["settings"])

    base = settings(dtype="bfloat16")
    assert base == settings(dtype="bfloat16", tensor_parallel_size=4, gpu_memory_utilization=0.5)
    assert base == settings(dtype="bfloat16", batch_size=32, max_num_seqs=64)
    assert base != settings(dtype="float16")
    assert base != settings(dtype="bfloat16", prompt_format="llava-calm2")
    assert base != settings(dtype="bfloat16", max_model_len=2048)


def test_catalog_stop_strings_reach_the_engine(fake: Any) -> None:
    from eval_mm.models.catalog import CATALOG

    model = VLLMModel("sarashina2-vision-8b", spec=CATALOG["sarashina2-vision-8b"])
    model.prompt_format = "chat_template"  # the request path does not matter here
    model.generate([Sample("a", user_turn("東京"), ["x"])], GenerationConfig())
    assert model.llm.params[-1].kw["stop"] == ["\n###"]


def test_a_cli_run_records_vllms_answers_and_its_refusals(fake: Any, tmp_path: Path) -> None:
    """`eval-mm run -m vllm:...` end to end on the stand-in engine: two-image samples pass
    the adapter's max_images=2 but not the engine's image limit of 1, so vLLM refuses them;
    they are recorded as failures, the others answered, in chunks of 4."""
    import json

    import tests.models.tinytask  # noqa: F401  (registers tiny-mm)
    from eval_mm.cli.main import main

    code = main(
        [
            "run", "-m", "vllm:org/tiny", "--task", "tiny-mm", "--task-option", "n=6",
            "-o", str(tmp_path), "--batch-size", "4", "--max-new-tokens", "8",
            "--model-option", "max_images=2",
            "--model-option", 'limit_mm_per_prompt={"image": 1}',
            "--max-error-share", "1", "--no-save-images", "--no-progress",
        ]
    )  # fmt: skip
    assert code == 0
    (run,) = [p.parent for p in tmp_path.rglob("run.json")]
    preds = {r["id"]: r for r in read_jsonl(run / PREDICTIONS)}
    for i, rec in preds.items():
        if int(i[1:]) % 2 == 0:  # one image
            assert rec["error"] is None and rec["finish_reason"] in ("stop", "length")
            assert 0 < rec["output_tokens"] <= 8
        else:
            assert rec["error_kind"] == "permanent" and "At most 1 image" in rec["error"]
    card = json.loads((run / "run.json").read_text(encoding="utf-8"))
    assert card["model"]["backend"] == "vllm" and card["batch_size"] == 4
    assert card["model"]["engine_args"]["limit_mm_per_prompt"] == {"image": 1}
    assert "checkpoint_decoding" in card["model"]
    (llm,) = fake_vllm.LLM.instances
    # chunk q0-q3 (q1, q3 refused): 4, then halves; chunk q4-q5 (q5 refused): 2, then each
    assert [len(t) for _, t in llm.calls] == [4, 2, 1, 1, 2, 1, 1, 2, 1, 1]
