"""Per-family input hooks: the exact inputs and arguments `model.generate` receives (a spy
in place of the real generate), on a tiny random LLaVA whose tokenizer adds BOS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from eval_mm.core.model import Generation, GenerationConfig
from eval_mm.core.sample import Sample, user_turn
from eval_mm.errors import UserError
from eval_mm.models.catalog import SPECS, ModelSpec
from eval_mm.models.hooks import HOOKS, Llama3Terminators, ResizeEmbeddings, hook_for

pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from eval_mm.models.tiny import build_llava

    return build_llava(tmp_path_factory.mktemp("tiny-hooks") / "llava", add_bos=True)


def _model(folder: Path, hook: str | None, fmt: str = "chat_template") -> Any:
    from eval_mm.models.hf import HFModel

    spec = ModelSpec(
        name="tiny-hooked", hf_id=str(folder), dtype="float32", prompt_format=fmt, input_hook=hook
    )
    return HFModel("tiny-hooked", spec=spec, batch_size=2)


class Spy:
    """Stands in for `model.generate`: records its arguments, answers two fixed tokens."""

    def __init__(self, answer: list[int]) -> None:
        self.calls: list[dict[str, Any]] = []
        self.answer = answer

    def __call__(self, **kw: Any) -> Any:
        import torch

        self.calls.append(kw)
        ids = kw["input_ids"]
        tail = torch.tensor([self.answer] * ids.shape[0], dtype=ids.dtype)
        return torch.cat([ids, tail], dim=1)


def _sample(text: str = "東京は大きな都市です。", n_images: int = 1) -> Sample:
    return Sample("s", user_turn(text, [Image.new("RGB", (32, 32), "red")] * n_images), ["x"])


def test_asagi_sends_the_tokenizers_ids_and_no_token_type_ids(folder: Path) -> None:
    model = _model(folder, "asagi", fmt="asagi")
    real_processor = model.processor

    def with_token_types(**kw: Any) -> Any:
        enc = real_processor(**kw)
        enc["token_type_ids"] = enc["input_ids"] * 0  # as Asagi's processor returns
        return enc

    model.processor = with_token_types
    spy = Spy([model.tokenizer.eos_token_id])
    model.model.generate = spy
    samples = [_sample(), _sample("猫", 2)]
    out = model.generate(samples, GenerationConfig(max_new_tokens=3))
    (call,) = spy.calls
    assert "token_type_ids" not in call and "pixel_values" in call
    texts = [model.render(s).text for s in samples]
    own = model.tokenizer(texts, padding=True, return_tensors="pt")
    # The processor expands each <image> into patch tokens; Asagi's code wants one.
    expanded = real_processor(
        text=texts, images=[model.render(s).images for s in samples], padding=True
    )
    assert len(expanded["input_ids"][0]) > own["input_ids"].shape[1]
    # Batches are sorted by length: the one-image sample comes first.
    assert call["input_ids"].tolist() == own["input_ids"].tolist()
    assert call["attention_mask"].tolist() == own["attention_mask"].tolist()
    assert call["input_ids"][:, -1].tolist() != [model.tokenizer.pad_token_id] * 2
    assert [row.count(model.tokenizer.bos_token_id) for row in own["input_ids"].tolist()] == [1, 1]
    assert all(isinstance(g, Generation) and g.finish_reason == "stop" for g in out)
    model.close()


def test_llava_calm2_adds_no_special_tokens(folder: Path) -> None:
    model = _model(folder, "llava-calm2", fmt="llava-calm2")
    spy = Spy([5, 6])
    model.model.generate = spy
    model.generate([_sample()], GenerationConfig(max_new_tokens=2))
    ids = spy.calls[0]["input_ids"][0].tolist()
    assert model.tokenizer.bos_token_id not in ids
    text = model.render(_sample()).text
    assert text.startswith("USER: ")
    plain = _model(folder, None, fmt="llava-calm2")  # the layout alone: the tokenizer's BOS
    assert plain._encode([plain.render(_sample())]).inputs["input_ids"][0, 0] == (
        plain.tokenizer.bos_token_id
    )
    plain.close()
    model.close()


def test_evovlm_also_stops_at_eot(folder: Path) -> None:
    model = _model(folder, "evovlm", fmt="evovlm")
    model.tokenizer.add_special_tokens({"additional_special_tokens": ["<|eot_id|>"]})
    eot = model.tokenizer.convert_tokens_to_ids("<|eot_id|>")
    spy = Spy([7, eot, model.tokenizer.pad_token_id])
    model.model.generate = spy
    (out,) = model.generate([_sample()], GenerationConfig(max_new_tokens=3))
    assert spy.calls[0]["eos_token_id"] == [model.tokenizer.eos_token_id, eot]
    assert isinstance(out, Generation)
    assert out.finish_reason == "stop" and out.output_tokens == 2
    assert Llama3Terminators().generate_kwargs(model.tokenizer)["eos_token_id"][1] == eot
    model.close()


def test_pangea_resizes_embeddings_to_the_tokenizer(folder: Path) -> None:
    model = _model(folder, None)
    before = model.model.get_input_embeddings().weight.shape[0]
    model.tokenizer.add_tokens(["新しい語"])
    ResizeEmbeddings().prepare(model.model, model.tokenizer)
    after = model.model.get_input_embeddings().weight.shape[0]
    assert after == len(model.tokenizer) == before + 1
    model.close()


def test_no_hook_passes_the_processor_encoding_through(folder: Path) -> None:
    model = _model(folder, None)
    spy = Spy([5])
    model.model.generate = spy
    model.generate([_sample()], GenerationConfig(max_new_tokens=1))
    prompt = model.render(_sample())
    direct = model.processor(text=[prompt.text], images=[prompt.images], return_tensors="pt")
    assert spy.calls[0]["input_ids"].tolist() == direct["input_ids"].tolist()
    assert "eos_token_id" not in spy.calls[0]
    assert model.card()["input_hook"] == {"name": "none", "source": ""}
    model.close()


def test_every_catalog_hook_exists_and_cites_its_source() -> None:
    named = {s.input_hook for s in SPECS if s.input_hook}
    assert named == set(HOOKS)
    for hook in HOOKS.values():
        assert "llm-jp/llm-jp-eval-mm@" in hook.source and hook.__doc__
    with pytest.raises(UserError, match="unknown input hook"):
        hook_for("asagii")
    assert hook_for(None).name == "none"
