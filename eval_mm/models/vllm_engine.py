"""`vllm:NAME`: vLLM's offline engine, a whole task's requests at once.

Request building, engine arguments and sampling parameters are pure functions (tested
without vLLM); `vllm` itself is imported only when a model is built. A request that fails
is retried alone and, if it fails again, recorded as that sample's failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from eval_mm.core.model import GenerationConfig, GenerationFailure, Model, ModelOutput
from eval_mm.core.options import Options, option, parse_options, spec_of
from eval_mm.core.sample import Sample
from eval_mm.errors import UserError
from eval_mm.hub import check_available
from eval_mm.identity import folder_fingerprint
from eval_mm.models.catalog import ModelSpec
from eval_mm.models.formats import FIXED, FORMATS, render
from eval_mm.models.openai_chat import image_count, openai_messages


@dataclass(frozen=True)
class VLLMEngineOptions(Options):
    """Engine arguments a user may pass with --model-option (others are refused, not ignored).
    Unset ones keep the catalog's or vLLM's default. Throughput ones stay out of the run
    identity, so that a rerun on other GPUs resumes the same run."""

    tensor_parallel_size: int | None = option(None, min=1, affects_output=False)
    pipeline_parallel_size: int | None = option(None, min=1, affects_output=False)
    distributed_executor_backend: Literal["ray", "mp", "uni", "external_launcher"] | None = (
        option(None, affects_output=False)
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
    swap_space: float | None = option(None, min=0, affects_output=False)


@dataclass(frozen=True)
class VLLMOptions(VLLMEngineOptions):
    batch_size: int = option(100000, min=1, affects_output=False, help="requests per call")
    max_images: int = option(8, min=1, help="images per request (more: that sample fails)")
    prompt_format: str | None = option(None, choices=FORMATS, help="how messages become text")


ENGINE_OPTIONS = tuple(f.name for f in fields(VLLMEngineOptions))
THROUGHPUT_OPTIONS = frozenset(
    f.name for f in fields(VLLMEngineOptions) if not spec_of(f).affects_output
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

    def __init__(self, name: str, spec: ModelSpec | None = None, **options: Any) -> None:
        self.options = opts = parse_options(VLLMOptions, options, "vLLM")
        if spec is not None:
            spec.check_requirements()
        self.spec = spec
        self._name = spec.name if spec else name
        self.batch_size = opts.batch_size  # the runner hands over the whole task at once
        max_images = opts.max_images
        self.max_images = int(spec.max_images or max_images) if spec else max_images
        self.prompt_format = opts.prompt_format or (
            spec.prompt_format if spec else "chat_template"
        )
        engine = {k: getattr(opts, k) for k in ENGINE_OPTIONS if getattr(opts, k) is not None}
        self.args = engine_args(name, spec, engine, self.max_images)
        check_available(str(self.args["model"]), self.args.get("revision"))
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
