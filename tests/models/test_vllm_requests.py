"""vLLM request building, engine arguments and failure isolation, without vLLM."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from eval_mm.core.model import GenerationConfig
from eval_mm.core.sample import Sample, user_turn
from eval_mm.errors import UserError
from eval_mm.models.catalog import CATALOG
from eval_mm.models.vllm_engine import build_request, engine_args, sampling_kwargs

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
    assert args["max_model_len"] == 8192 and args["gpu_memory_utilization"] == 0.85
    assert args["limit_mm_per_prompt"] == {"image": 3}
    assert args["dtype"] == "bfloat16"
    single = engine_args("org/model", None, {"tensor_parallel_size": 2}, 8)
    assert single["model"] == "org/model"
    with pytest.raises(UserError, match="unknown vLLM option"):
        engine_args("org/model", None, {"tensor_parallel": 2}, 8)


def test_the_executor_backend_is_vllms_choice_unless_the_user_names_one() -> None:
    """vLLM runs pipeline parallelism on one node with its multiprocessing executor; Ray is
    not in the `vllm` extra, so it is used only when asked for (several nodes)."""
    pp = engine_args("org/model", None, {"pipeline_parallel_size": 2}, 8)
    assert "distributed_executor_backend" not in pp
    ray = engine_args(
        "org/model", None, {"pipeline_parallel_size": 2, "distributed_executor_backend": "ray"}, 8
    )
    assert ray["distributed_executor_backend"] == "ray"
    mp = engine_args("org/model", None, {"distributed_executor_backend": "mp"}, 8)
    assert mp["distributed_executor_backend"] == "mp"


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


def test_catalog_stop_strings_reach_the_sampling_params() -> None:
    """Sarashina2-Vision stops at "\\n###" under transformers; vLLM must stop there too."""
    spec = CATALOG["sarashina2-vision-8b"]
    kw = sampling_kwargs(GenerationConfig(), spec.stop_strings)
    assert kw["stop"] == ["\n###"]
    assert "stop" not in sampling_kwargs(GenerationConfig())


def test_checkpoint_defaults_sit_under_the_users_extra_settings() -> None:
    cfg = GenerationConfig(extra={"repetition_penalty": 1.0})
    kw = sampling_kwargs(cfg, (), {"repetition_penalty": 1.2, "top_k": 20})
    assert kw["repetition_penalty"] == 1.0 and kw["top_k"] == 20
    assert kw["temperature"] == 0.0  # the run's decoding, not the checkpoint's
