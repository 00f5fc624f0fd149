"""The transformers adapter's encode and finish steps on tiny random LLaVA checkpoints whose
tokenizer adds BOS (as Llama's does): one BOS whether the template emits it or not,
finish_reason and token counts, reasoning tokens, batched = one at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from eval_mm.core.model import Generation, GenerationConfig
from eval_mm.core.sample import Sample, user_turn
from eval_mm.models.hf_io import finish, special_tokens_rule
from eval_mm.reasoning import opens_think

pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from eval_mm.models.tiny import LLAVA_TEMPLATE, build_llava

    root = tmp_path_factory.mktemp("tiny-bos")
    return {
        # Gemma 3 / Llama-3.2-Vision style: the template itself starts with BOS.
        "bos_template": build_llava(
            root / "bos-template", add_bos=True, chat_template="<s>" + LLAVA_TEMPLATE
        ),
        "plain_template": build_llava(root / "plain-template", add_bos=True),
    }


def _load(folder: Path, **options: Any) -> Any:
    from eval_mm.models import resolve_model

    return resolve_model(str(folder), {"batch_size": 4, **options})


def _samples(n: int = 4) -> list[Sample]:
    imgs = [Image.new("RGB", (36, 30), c) for c in ("red", "blue")]
    return [
        Sample(f"s{k}", user_turn("東京は大きな都市です。" * (1 + k % 3), imgs[: 1 + k % 2]), ["x"])
        for k in range(n)
    ]


def _bos_count(model: Any, sample: Sample) -> tuple[int, list[int]]:
    prompt = model.render(sample)
    ids = model._encode([prompt]).inputs["input_ids"][0].tolist()
    return ids.count(model.tokenizer.bos_token_id), ids


def test_a_template_that_emits_bos_gives_one_bos(folders: dict[str, Path]) -> None:
    model = _load(folders["bos_template"])
    sample = _samples()[0]
    prompt = model.render(sample)
    assert prompt.text.startswith("<s>")
    # What the adapter used to do (processor on the rendered text): two BOS.
    naive = model.processor(text=[prompt.text], images=[prompt.images], return_tensors="pt")
    assert naive["input_ids"][0].tolist()[:2] == [model.tokenizer.bos_token_id] * 2
    count, ids = _bos_count(model, sample)
    assert count == 1 and ids[0] == model.tokenizer.bos_token_id
    encoded = model._encode([prompt])
    assert encoded.texts == [prompt.text] and encoded.add_special_tokens is False
    model.close()


@pytest.mark.parametrize("fmt", ["chat_template", "asagi", "llava-calm2"])
def test_a_prompt_without_bos_gets_the_tokenizers_one_bos(
    folders: dict[str, Path], fmt: str
) -> None:
    """Fixed formats (no template) and templates without BOS: the tokenizer adds it once.
    (llava-calm2 here is only the layout; its catalog hook is tested in test_hf_hooks.)"""
    model = _load(folders["plain_template"], prompt_format=fmt)
    count, ids = _bos_count(model, _samples()[1])
    assert count == 1 and ids[0] == model.tokenizer.bos_token_id
    assert model._encode([model.render(_samples()[1])]).add_special_tokens is True
    model.close()


def test_mixed_batch_gets_the_missing_bos_text(folders: dict[str, Path]) -> None:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(folders["plain_template"])
    assert special_tokens_rule(["<s>a", "<s>b"], tok) == (["<s>a", "<s>b"], False)
    assert special_tokens_rule(["a", "b"], tok) == (["a", "b"], True)
    assert special_tokens_rule(["<s>a", "b"], tok) == (["<s>a", "<s>b"], False)


def test_batched_greedy_equals_one_at_a_time_with_bos_template(folders: dict[str, Path]) -> None:
    model = _load(folders["bos_template"])
    cfg = GenerationConfig(max_new_tokens=5)
    batched = model.generate(_samples(), cfg)
    single = [model.generate([s], cfg)[0] for s in _samples()]
    model.close()
    assert batched == single
    assert all(isinstance(g, Generation) for g in batched)
    assert len({g.text for g in batched if isinstance(g, Generation)}) > 1


def test_finish_reason_length_then_stop_at_the_checkpoints_eos(
    folders: dict[str, Path],
) -> None:
    """A random model runs to max_new_tokens ("length"); making its second generated token
    the eos ends it there ("stop", 2 tokens, the eos counted)."""
    model = _load(folders["plain_template"], batch_size=1)
    seen: list[Any] = []
    real = model.model.generate

    def spy(**kw: Any) -> Any:
        out = real(**kw)
        seen.append(out[:, kw["input_ids"].shape[1] :].tolist())
        return out

    model.model.generate = spy
    sample = _samples()[0]
    first = model.generate([sample], GenerationConfig(max_new_tokens=4))[0]
    row = seen[-1][0]
    assert first == Generation(first.text, "length", output_tokens=4)  # type: ignore[union-attr]
    if row[0] == row[1]:
        pytest.skip("the random model repeats its first token")
    model.model.generation_config.eos_token_id = row[1]
    stopped = model.generate([sample], GenerationConfig(max_new_tokens=4))[0]
    model.close()
    assert isinstance(stopped, Generation)
    assert stopped.finish_reason == "stop" and stopped.output_tokens == 2
    assert stopped.text == model.tokenizer.decode(row[:1], skip_special_tokens=True)


def _tok(specials: list[str]) -> Any:
    from eval_mm.models.tiny import tokenizer

    return tokenizer(specials, pad_token="<pad>", bos_token="<s>", eos_token="</s>")


def test_finish_counts_tokens_and_ignores_padding_after_the_end() -> None:
    tok = _tok(["<pad>", "<s>", "</s>"])
    text = tok("東京", add_special_tokens=False)["input_ids"]
    eos, pad = tok.eos_token_id, tok.pad_token_id
    kw: dict[str, Any] = {"stop_ids": {eos}, "pad_id": pad}
    g = finish(tok, [*text, eos, pad, pad], max_new_tokens=10, **kw)
    assert g == Generation("東京", "stop", output_tokens=len(text) + 1)
    g = finish(tok, text[:3], max_new_tokens=3, **kw)
    assert g.finish_reason == "length" and g.output_tokens == 3
    # Ended by a stop string (then padded up to the batch's longest row): "stop", text cut.
    ids = tok("東京\n###x", add_special_tokens=False)["input_ids"]
    g = finish(tok, [*ids, pad], max_new_tokens=len(ids) + 1, stop_strings=("\n###",), **kw)
    assert g == Generation("東京", "stop", output_tokens=len(ids))


@pytest.mark.parametrize("special", [False, True])
def test_reasoning_tokens_run_through_the_closing_tag(special: bool) -> None:
    """`</think>` as plain text or as a special token: counted, and kept in the text."""
    tok = _tok(["<pad>", "<s>", "</s>", *(["</think>"] if special else [])])
    think = tok("考えます", add_special_tokens=False)["input_ids"]
    close = tok("</think>", add_special_tokens=False)["input_ids"]
    answer = tok("東京", add_special_tokens=False)["input_ids"]
    assert (len(close) == 1) is special
    row = [*think, *close, *answer, tok.eos_token_id]
    g = finish(tok, row, max_new_tokens=50, stop_ids={tok.eos_token_id}, pad_id=0, think_tags=True)
    assert g.text == "考えます</think>東京"
    assert g.reasoning_tokens == len(think) + len(close)
    assert g.output_tokens == len(row)
    # Cut while thinking, the block opened by the prompt: every token was reasoning.
    kw: dict[str, Any] = {"stop_ids": set(), "pad_id": 0, "think_tags": True}
    g = finish(tok, think, max_new_tokens=len(think), prompt_opens_think=True, **kw)
    assert g.finish_reason == "length" and g.reasoning_tokens == len(think)
    # No tag anywhere: the model did not think (the strict rule reads it all as the answer).
    assert finish(tok, think, max_new_tokens=len(think), **kw).reasoning_tokens == 0
    assert opens_think("<|im_start|>assistant\n<think>\n") and not opens_think("assistant\n")
    plain = finish(tok, row, max_new_tokens=50, stop_ids={tok.eos_token_id}, pad_id=0)
    assert plain.reasoning_tokens is None


def test_reasoning_option_overrides_the_catalog(folders: dict[str, Path]) -> None:
    from eval_mm.models.catalog import CATALOG, REASONING_MAX_NEW_TOKENS

    model = _load(folders["plain_template"], reasoning="think_tags")
    assert model.reasoning == "think_tags"
    assert model.default_max_new_tokens == REASONING_MAX_NEW_TOKENS
    assert model.card()["settings"]["reasoning"] == "think_tags"
    cfg = GenerationConfig(max_new_tokens=4)
    (g,) = model.generate(_samples(1), cfg)
    assert isinstance(g, Generation) and g.reasoning_tokens == 0  # no tag: no thinking
    # A template whose generation prompt opens the block (as Qwen3 Thinking's does).
    model.processor.chat_template += "<think>\n"
    (g,) = model.generate(_samples(1), cfg)
    assert isinstance(g, Generation) and "</think>" not in g.text
    assert g.reasoning_tokens == g.output_tokens == 4
    assert g.prompt_opened_reasoning  # recorded, so scoring reads it as reasoning
    model.close()
    plain = _load(folders["plain_template"])
    assert plain.reasoning == "none" and plain.default_max_new_tokens is None
    plain.close()
    for name in ("qwen3-vl-8b-thinking", "qwen3-vl-2b-thinking", "glm-4.1v-9b-thinking"):
        assert CATALOG[name].reasoning == "think_tags"
    assert CATALOG["qwen3-vl-8b"].reasoning == "none"
