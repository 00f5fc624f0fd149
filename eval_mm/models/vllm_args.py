"""What the vLLM adapter hands to vLLM: engine arguments, sampling parameters and requests.

Pure functions, tested without vLLM; tests/models/test_vllm_signatures.py checks every name
built here against the signatures recorded from vLLM's source
(tests/models/data/vllm_signatures.json).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from eval_mm.core.model import GenerationConfig
from eval_mm.core.options import Options, option, parse_options, spec_of
from eval_mm.core.sample import Sample
from eval_mm.errors import UserError
from eval_mm.models.catalog import ModelSpec
from eval_mm.models.formats import FIXED, FORMATS, render
from eval_mm.models.openai_chat import image_count, openai_messages

# Requests per `generate` call: what a crash can lose, and what one engine call sees. vLLM
# keeps up to 256 sequences in flight (1024 on H100/H200-class GPUs) and refills its batch
# from the queue, so a few hundred requests keep it busy while a chunk's predictions are
# saved as soon as it ends.
DEFAULT_BATCH_SIZE = 512


@dataclass(frozen=True)
class VLLMEngineOptions(Options):
    """Engine arguments a user may pass with --model-option (others are refused, not ignored).
    Unset ones keep the catalog's or vLLM's default. Throughput ones stay out of the run
    identity, so that a rerun on other GPUs resumes the same run."""

    tensor_parallel_size: int | None = option(None, min=1, affects_output=False)
    pipeline_parallel_size: int | None = option(None, min=1, affects_output=False)
    distributed_executor_backend: Literal["ray", "mp", "uni", "external_launcher"] | None = option(
        None, affects_output=False, help="default: vLLM's (mp on one node)"
    )
    max_model_len: int | None = option(None, min=1, help="context length")
    gpu_memory_utilization: float | None = option(
        None, min=0, min_exclusive=True, max=1, affects_output=False
    )
    max_num_seqs: int | None = option(None, min=1, affects_output=False)
    enforce_eager: bool | None = option(None, affects_output=False)
    seed: int | None = option(None, min=0)
    dtype: Literal["auto", "bfloat16", "float16", "float32", "half", "float"] | None = option(None)
    quantization: str | None = option(None, help="e.g. awq, gptq, fp8")
    tokenizer_mode: str | None = option(None, help="auto, slow, mistral, ...")
    download_dir: str | None = option(None, affects_output=False)
    revision: str | None = option(None)
    trust_remote_code: bool | None = option(None)
    limit_mm_per_prompt: dict[str, Any] | None = option(None, help='e.g. {"image": 4}')
    mm_processor_kwargs: dict[str, Any] | None = option(None)
    enable_prefix_caching: bool | None = option(None, affects_output=False)


@dataclass(frozen=True)
class VLLMOptions(VLLMEngineOptions):
    batch_size: int = option(
        DEFAULT_BATCH_SIZE, min=1, affects_output=False, help="requests per call (saved per call)"
    )
    max_images: int = option(8, min=1, help="images per request (more: that sample fails)")
    prompt_format: str | None = option(None, choices=FORMATS, help="how messages become text")
    reasoning: Literal["none", "think_tags"] | None = option(
        None, help="think_tags: output carries <think>...</think> (default: the catalog's)"
    )


ENGINE_OPTIONS = tuple(f.name for f in fields(VLLMEngineOptions))
THROUGHPUT_OPTIONS = frozenset(
    f.name for f in fields(VLLMEngineOptions) if not spec_of(f).affects_output
)


def engine_args(
    model: str, spec: ModelSpec | None, options: dict[str, Any], max_images: int
) -> dict[str, Any]:
    """`vllm.LLM(**engine_args(...))`: the catalog's settings, then the user's.

    The executor backend is vLLM's choice unless the user names one: vLLM runs tensor and
    pipeline parallelism on one node with its multiprocessing backend, and Ray (not in the
    `vllm` extra) is needed only across nodes (`distributed_executor_backend=ray`)."""
    parsed = parse_options(VLLMEngineOptions, options, "vLLM")
    given = {k: v for k, v in parsed.to_json().items() if v is not None}
    args: dict[str, Any] = {
        "model": spec.hf_id if spec else model,
        "limit_mm_per_prompt": {"image": max_images},
    }
    if spec is not None:
        args.update(trust_remote_code=spec.trust_remote_code, dtype=spec.dtype)
        if spec.revision:
            args["revision"] = spec.revision
        args.update(spec.vllm)
    args.update(given)
    return args


def sampling_kwargs(
    config: GenerationConfig,
    stop: Sequence[str] = (),
    checkpoint: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """`vllm.SamplingParams(**sampling_kwargs(...))`: the run's generation config, the
    checkpoint's applicable defaults (`checkpoint`: checkpoint_generation.checkpoint_decoding,
    which vLLM would ignore once SamplingParams are given), the model's stop strings (the
    transformers adapter cuts at the same strings), then the user's extra settings."""
    if config.num_beams != 1:
        raise UserError("the vLLM adapter decodes without beam search; use --num-beams 1")
    kw: dict[str, Any] = {
        "max_tokens": config.max_new_tokens,
        "temperature": config.temperature if config.do_sample else 0.0,
        "top_p": config.top_p if config.do_sample else 1.0,
        "seed": config.seed,
    }
    kw.update(checkpoint or {})
    if stop:
        kw["stop"] = list(stop)
    kw.update(config.extra)
    return kw


@dataclass
class VLLMRequest:
    """One request: `chat` (OpenAI-style messages, the model's chat template applies) or
    `prompt` (a fixed prompt format's text plus its images: vLLM's TextPrompt)."""

    kind: Literal["chat", "prompt", "none"]
    messages: list[dict[str, Any]] | None = None
    prompt: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def payload(self) -> Any:
        return self.messages if self.kind == "chat" else self.prompt


def build_request(sample: Sample, prompt_format: str, max_images: int) -> VLLMRequest:
    n = image_count(sample.messages)
    if n > max_images:
        return VLLMRequest("none", error=f"{n} images exceed the per-request limit of {max_images}")
    if prompt_format in FIXED:
        p = render(prompt_format, sample.messages)
        data: dict[str, Any] = {"prompt": p.text}
        if p.images:
            data["multi_modal_data"] = {"image": p.images if len(p.images) > 1 else p.images[0]}
        return VLLMRequest("prompt", prompt=data)
    return VLLMRequest("chat", messages=openai_messages(sample.messages))
