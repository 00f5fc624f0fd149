"""vLLM request building, engine arguments and failure isolation, without vLLM."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from PIL import Image

from eval_mm.core.model import GenerationConfig, GenerationFailure
from eval_mm.core.sample import Sample, user_turn
from eval_mm.errors import UserError
from eval_mm.models import vllm_engine
from eval_mm.models.catalog import CATALOG
from eval_mm.models.vllm_engine import VLLMModel, build_request, engine_args, sampling_kwargs

RED = Image.new("RGB", (5, 4), "red")
BLUE = Image.new("RGB", (6, 3), "blue")


def _png(url: str) -> Image.Image:
    assert url.startswith("data:image/png;base64,")
    return Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))


def test_chat_request_keeps_images_first_then_text_as_data_urls() -> None:
    req = build_request(
        Sample("a", user_turn("<image>東京", [RED, BLUE]), ["x"]), "chat_template", 4
    )
    assert req.kind == "chat" and req.messages is not None
    parts = req.messages[0]["content"]
    assert [p["type"] for p in parts] == ["image_url", "image_url", "text"]
    assert parts[2]["text"] == "東京"
    assert [_png(p["image_url"]["url"]).size for p in parts[:2]] == [(5, 4), (6, 3)]


def test_fixed_format_request_is_a_prompt_with_multimodal_data() -> None:
    req = build_request(Sample("a", user_turn("東京", [RED]), ["x"]), "llava-calm2", 4)
    assert req.kind == "prompt"
    assert req.prompt["prompt"] == "USER: <image> 東京\nASSISTANT: "
    assert req.prompt["multi_modal_data"]["image"].size == (5, 4)
    two = build_request(Sample("b", user_turn("東京", [RED, BLUE]), ["x"]), "phi4", 4)
    assert [im.size for im in two.prompt["multi_modal_data"]["image"]] == [(5, 4), (6, 3)]


def test_too_many_images_is_a_per_request_error() -> None:
    req = build_request(Sample("a", user_turn("東京", [RED, BLUE]), ["x"]), "chat_template", 1)
    assert req.kind == "none" and "limit of 1" in (req.error or "")


def test_engine_args_pass_parallelism_and_limits_through() -> None:
    args = engine_args(
        "qwen2-vl-7b",
        CATALOG["qwen2-vl-7b"],
        {
            "tensor_parallel_size": 4,
            "pipeline_parallel_size": 2,
            "max_model_len": 8192,
            "gpu_memory_utilization": 0.85,
        },
        3,
    )
    assert args["model"] == "Qwen/Qwen2-VL-7B-Instruct"
    assert args["tensor_parallel_size"] == 4 and args["pipeline_parallel_size"] == 2
    assert args["distributed_executor_backend"] == "ray"  # several nodes
    assert args["max_model_len"] == 8192 and args["gpu_memory_utilization"] == 0.85
    assert args["limit_mm_per_prompt"] == {"image": 3}
    assert args["dtype"] == "bfloat16"
    single = engine_args("org/model", None, {"tensor_parallel_size": 2}, 8)
    assert "distributed_executor_backend" not in single and single["model"] == "org/model"
    with pytest.raises(UserError, match="unknown vLLM option"):
        engine_args("org/model", None, {"tensor_parallel": 2}, 8)


def test_sampling_is_greedy_by_default() -> None:
    kw = sampling_kwargs(GenerationConfig(max_new_tokens=256, temperature=0.7))
    assert kw == {"max_tokens": 256, "temperature": 0.0, "top_p": 1.0, "seed": 0}
    kw = sampling_kwargs(
        GenerationConfig(
            do_sample=True, temperature=0.7, top_p=0.9, extra={"repetition_penalty": 1.1}
        )
    )
    assert kw["temperature"] == 0.7 and kw["top_p"] == 0.9 and kw["repetition_penalty"] == 1.1
    with pytest.raises(UserError, match="beam"):
        sampling_kwargs(GenerationConfig(num_beams=5))


class _FakeLLM:
    """Fails any batch that holds a request whose text says 毒; answers the rest."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def chat(self, items: list[Any], params: Any, use_tqdm: bool = False) -> list[Any]:
        self.calls.append(len(items))
        texts = [str(m[0]["content"][-1]["text"]) for m in items]
        if any("毒" in t for t in texts):
            raise ValueError("prompt too long")
        return [type("O", (), {"outputs": [type("C", (), {"text": "答" + t})()]})() for t in texts]


def test_a_failing_request_is_isolated_and_recorded() -> None:
    model = VLLMModel.__new__(VLLMModel)
    model.spec, model.prompt_format, model.max_images = None, "chat_template", 1
    model.llm = _FakeLLM()
    model.vllm = type("V", (), {"SamplingParams": staticmethod(lambda **kw: kw)})()
    samples = [
        Sample("a", user_turn("東京", [RED]), ["x"]),
        Sample("b", user_turn("毒", [RED]), ["x"]),
        Sample("c", user_turn("猫", [RED, BLUE]), ["x"]),
        Sample("d", user_turn("犬"), ["x"]),
    ]
    out = model.generate(samples, GenerationConfig())
    assert out[0] == "答東京" and out[3] == "答犬"
    assert isinstance(out[1], GenerationFailure) and "prompt too long" in out[1].reason
    assert isinstance(out[2], GenerationFailure) and "limit of 1" in out[2].reason
    assert model.llm.calls == [3, 1, 1, 1]  # one batch, then each request alone


def test_catalog_stop_strings_reach_the_sampling_params() -> None:
    """Sarashina2-Vision stops at "\\n###" under transformers; vLLM must stop there too."""
    spec = CATALOG["sarashina2-vision-8b"]
    kw = sampling_kwargs(GenerationConfig(), spec.stop_strings)
    assert kw["stop"] == ["\n###"]
    assert "stop" not in sampling_kwargs(GenerationConfig())
    model = VLLMModel.__new__(VLLMModel)
    model.spec, model.prompt_format, model.max_images = spec, "chat_template", 4
    model.llm = _FakeLLM()
    seen: list[dict[str, Any]] = []
    model.vllm = type("V", (), {"SamplingParams": staticmethod(lambda **kw: seen.append(kw))})()
    model.generate([Sample("a", user_turn("東京"), ["x"])], GenerationConfig())
    assert seen[0]["stop"] == ["\n###"]


def test_output_changing_engine_settings_enter_the_run_identity(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The run folder is keyed by the card's `settings`: another dtype or prompt format must
    not resume the old predictions; another tensor-parallel size or memory share may."""
    import sys
    import types

    fake = types.ModuleType("vllm")
    fake.__version__ = "0.0-test"  # type: ignore[attr-defined]
    fake.LLM = lambda **kw: object()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "vllm", fake)
    monkeypatch.setattr(vllm_engine, "check_available", lambda *a, **k: None)  # no hub here

    def settings(**options: Any) -> dict[str, Any]:
        return dict(VLLMModel("org/model", **options).card()["settings"])

    base = settings(dtype="bfloat16")
    assert base == settings(dtype="bfloat16", tensor_parallel_size=4, gpu_memory_utilization=0.5)
    assert base != settings(dtype="float16")
    assert base != settings(dtype="bfloat16", prompt_format="llava-calm2")
    assert base != settings(dtype="bfloat16", max_model_len=2048)
