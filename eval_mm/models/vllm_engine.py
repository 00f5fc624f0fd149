"""`vllm:NAME`: vLLM's offline engine, a whole task's requests at once.

Request building, engine arguments and sampling parameters are pure functions (tested
without vLLM); `vllm` itself is imported only when a model is built. A request that fails
is retried alone and, if it fails again, recorded as that sample's failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval_mm.core.model import GenerationConfig, GenerationFailure, Model, ModelOutput
from eval_mm.core.sample import Sample
from eval_mm.errors import UserError
from eval_mm.identity import folder_fingerprint
from eval_mm.models.catalog import ModelSpec
from eval_mm.models.formats import FIXED, render
from eval_mm.models.openai_chat import image_count, openai_messages

# Engine arguments a user may pass with --model-option (others are refused, not ignored).
ENGINE_OPTIONS = (
    "tensor_parallel_size",
    "pipeline_parallel_size",
    "distributed_executor_backend",
    "max_model_len",
    "gpu_memory_utilization",
    "max_num_seqs",
    "enforce_eager",
    "seed",
    "dtype",
    "quantization",
    "tokenizer_mode",
    "download_dir",
    "revision",
    "trust_remote_code",
    "limit_mm_per_prompt",
    "mm_processor_kwargs",
    "enable_prefix_caching",
    "swap_space",
)
# Engine arguments that change speed or placement, not outputs: left out of the run
# identity, so that a rerun on other GPUs resumes the same run.
THROUGHPUT_OPTIONS = frozenset(
    {
        "tensor_parallel_size",
        "pipeline_parallel_size",
        "distributed_executor_backend",
        "gpu_memory_utilization",
        "max_num_seqs",
        "enforce_eager",
        "download_dir",
        "enable_prefix_caching",
        "swap_space",
    }
)


@dataclass
class VLLMRequest:
    """One request: `chat` (OpenAI-style messages, the model's chat template applies) or
    `prompt` (a fixed prompt format's text plus its images)."""

    kind: str
    messages: list[dict[str, Any]] | None = None
    prompt: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def engine_args(
    model: str, spec: ModelSpec | None, options: dict[str, Any], max_images: int
) -> dict[str, Any]:
    unknown = sorted(set(options) - set(ENGINE_OPTIONS))
    if unknown:
        raise UserError(
            f"unknown vLLM option(s): {', '.join(unknown)}; known: {', '.join(ENGINE_OPTIONS)}"
        )
    args: dict[str, Any] = {
        "model": spec.hf_id if spec else model,
        "limit_mm_per_prompt": {"image": max_images},
    }
    if spec is not None:
        args.update(trust_remote_code=spec.trust_remote_code, dtype=spec.dtype)
        if spec.revision:
            args["revision"] = spec.revision
        args.update(spec.vllm)
    args.update(options)
    if (
        args.get("pipeline_parallel_size", 1) > 1
        or args.get("distributed_executor_backend") == "ray"
    ):
        # Several nodes: Ray places the pipeline stages (start `ray start` on each node first).
        args.setdefault("distributed_executor_backend", "ray")
    return args


def sampling_kwargs(config: GenerationConfig, stop: Sequence[str] = ()) -> dict[str, Any]:
    """SamplingParams arguments: the generation config plus the model's stop strings (the
    transformers adapter cuts at the same strings)."""
    if config.num_beams != 1:
        raise UserError("the vLLM adapter decodes without beam search; use --num-beams 1")
    kw: dict[str, Any] = {
        "max_tokens": config.max_new_tokens,
        "temperature": config.temperature if config.do_sample else 0.0,
        "top_p": config.top_p if config.do_sample else 1.0,
        "seed": config.seed,
    }
    if stop:
        kw["stop"] = list(stop)
    kw.update(config.extra)
    return kw


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


class VLLMModel(Model):
    name = "vllm"
    output_libraries = ("vllm", "transformers")

    def __init__(
        self,
        name: str,
        spec: ModelSpec | None = None,
        batch_size: int = 100000,
        max_images: int = 8,
        prompt_format: str | None = None,
        **options: Any,
    ) -> None:
        if spec is not None:
            spec.check_requirements()
        self.spec = spec
        self._name = spec.name if spec else name
        self.batch_size = int(batch_size)  # the runner hands over the whole task at once
        self.max_images = int(spec.max_images or max_images) if spec else int(max_images)
        self.prompt_format = prompt_format or (spec.prompt_format if spec else "chat_template")
        self.args = engine_args(name, spec, options, self.max_images)
        try:
            import vllm
        except ImportError:
            raise UserError("the vLLM backend needs vllm: pip install 'evalmm-ja[vllm]'") from None
        self.vllm = vllm
        self.llm = vllm.LLM(**self.args)
        self.version = vllm.__version__

    @property
    def model_id(self) -> str:
        return self._name

    def card(self) -> dict[str, Any]:
        return {
            "id": self._name,
            "backend": "vllm",
            "vllm": self.version,
            "revision": self.args.get("revision"),
            "engine_args": self.args,
            "prompt_format": self.prompt_format,
            "stop_strings": list(self.spec.stop_strings) if self.spec is not None else [],
            # The run identity: what changes the outputs (dtype, prompt format, limits, ...).
            "settings": {
                **{k: v for k, v in self.args.items() if k not in THROUGHPUT_OPTIONS},
                "prompt_format": self.prompt_format,
            },
        }

    def fingerprint(self) -> dict[str, Any]:
        """Engine settings that change outputs, plus the content of a local checkpoint."""
        fp = super().fingerprint()
        model = str(self.args.get("model") or "")
        if model and Path(model).is_dir():
            fp["weights"] = folder_fingerprint(Path(model))
        return fp

    def _call(self, kind: str, items: list[Any], params: Any) -> list[str]:
        if kind == "chat":
            outs = self.llm.chat(items, params, use_tqdm=False)
        else:
            outs = self.llm.generate(items, params, use_tqdm=False)
        return [o.outputs[0].text for o in outs]

    def generate(self, samples: Sequence[Sample], config: GenerationConfig) -> list[ModelOutput]:
        stop = self.spec.stop_strings if self.spec is not None else ()
        params = self.vllm.SamplingParams(**sampling_kwargs(config, stop))
        reqs = [build_request(s, self.prompt_format, self.max_images) for s in samples]
        out: list[ModelOutput] = [GenerationFailure(r.error or "") for r in reqs]
        for kind in ("chat", "prompt"):
            idx = [i for i, r in enumerate(reqs) if r.kind == kind]
            items = [reqs[i].messages if kind == "chat" else reqs[i].prompt for i in idx]
            if not idx:
                continue
            try:
                texts: list[ModelOutput] = list(self._call(kind, items, params))
            except Exception:
                texts = []  # isolate: every request alone, failures recorded per sample
                for item in items:
                    try:
                        texts.append(self._call(kind, [item], params)[0])
                    except Exception as exc:
                        texts.append(GenerationFailure(f"vllm: {type(exc).__name__}: {exc}"[:500]))
            for i, t in zip(idx, texts, strict=True):
                out[i] = t
        return out

    def close(self) -> None:
        self.llm = None
