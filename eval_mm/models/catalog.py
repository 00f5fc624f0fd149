"""Named models: short names for known checkpoints and what each one needs.

A catalog entry is data, not code: which backend serves it, the Hugging Face id and
revision, dtype, whether it runs remote code, its prompt-format quirk, extra packages,
and the generation settings its authors recommend (recorded, applied only on request
with `--model-option generation=recommended`, so that leaderboard runs stay comparable).

Revisions are `None` (the hub's default branch) until someone pins a commit after checking
it; the adapter records the commit hash it actually loaded in the run card either way.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from typing import Any, Literal

from eval_mm.errors import UserError

# How a model's output carries its reasoning (eval_mm.reasoning separates it at scoring):
# none (a plain model), think_tags (`<think>...</think>` in the text), api (a separate
# `reasoning_content` field of an OpenAI-compatible reply).
Reasoning = Literal["none", "think_tags", "api"]
# The answer budget of a reasoning model when the user gives no --max-new-tokens (recorded
# in the generation config, hence in the run identity): thinking takes thousands of tokens.
REASONING_MAX_NEW_TOKENS = 16384


@dataclass(frozen=True)
class Requirement:
    """A Python module the model's code imports, and how to install it."""

    module: str
    install: str


@dataclass(frozen=True)
class ModelSpec:
    name: str
    hf_id: str
    aliases: tuple[str, ...] = ()
    family: str = ""
    backend: str = "hf"  # hf | generate_content | unsupported
    revision: str | None = None
    dtype: str = "bfloat16"
    trust_remote_code: bool = False
    prompt_format: str = "chat_template"
    # auto_image_text (AutoModelForImageTextToText) | auto_causal | auto_model | mantis
    model_class: str = "auto_image_text"
    processor_id: str | None = None  # when the processor lives in another repository
    requires: tuple[Requirement, ...] = ()
    stop_strings: tuple[str, ...] = ()
    max_images: int | None = None
    recommended_generation: dict[str, Any] = field(default_factory=dict)
    vllm: dict[str, Any] = field(default_factory=dict)  # extra engine arguments
    reasoning: Reasoning = "none"
    reasoning_max_new_tokens: int = REASONING_MAX_NEW_TOKENS
    # transformers versions the family's code runs on: (lowest, first unsupported), as
    # "4.45" strings; None leaves that side open. Checked at load (eval_mm.models.compat).
    transformers_range: tuple[str | None, str | None] = (None, None)
    # A named fix-up of the processor's inputs (eval_mm.models.hooks), e.g. Asagi's.
    input_hook: str | None = None
    note: str = ""

    def check_requirements(self) -> None:
        """A clear error naming what to install, before any weights are downloaded."""
        missing = [r for r in self.requires if importlib.util.find_spec(r.module) is None]
        if missing:
            steps = "; ".join(r.install for r in missing)
            raise UserError(
                f"model {self.name} ({self.hf_id}) needs code that eval-mm does not install "
                f"({', '.join(r.module for r in missing)}). Install it with: {steps}"
            )

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "hf_id": self.hf_id,
            "family": self.family,
            "backend": self.backend,
            "revision": self.revision,
            "dtype": self.dtype,
            "trust_remote_code": self.trust_remote_code,
            "prompt_format": self.prompt_format,
            "model_class": self.model_class,
            "processor_id": self.processor_id,
            "stop_strings": list(self.stop_strings),
            "recommended_generation": self.recommended_generation,
            "reasoning": self.reasoning,
            "transformers_range": list(self.transformers_range),
            "input_hook": self.input_hook,
        }


MANTIS = Requirement("mantis", "pip install git+https://github.com/TIGER-AI-Lab/Mantis.git")
VILA = Requirement(
    "llava",
    "clone https://github.com/llm-jp/llm-jp-VILA and `pip install -e .` it (its own environment)",
)
PEFT = Requirement("peft", "pip install peft backoff")


def _many(
    family: str, pattern: str, sizes: tuple[str, ...], name: str, **kw: Any
) -> list[ModelSpec]:
    return [
        ModelSpec(name=name.format(s=s.lower()), hf_id=pattern.format(s=s), family=family, **kw)
        for s in sizes
    ]


_ASAGI_CARD_GEN = {
    "do_sample": True,
    "num_beams": 5,
    "max_new_tokens": 256,
    "temperature": 0.7,
    "repetition_penalty": 1.5,
}

SPECS: list[ModelSpec] = [
    *_many(
        "Asagi",
        "MIL-UT/Asagi-{s}",
        ("2B", "4B", "8B", "14B"),
        "asagi-{s}",
        trust_remote_code=True,
        prompt_format="asagi",
        model_class="auto_model",
        recommended_generation=_ASAGI_CARD_GEN,
        input_hook="asagi",
        transformers_range=(None, "4.50"),
        note=(
            "Asagi reads its own instruction layout (model card), not a chat template; "
            "asagi-14b-llmjp sends the reference's indented layout behind the published "
            "llm-jp-eval-mm numbers (docs/models.md)"
        ),
    ),
    ModelSpec(
        "asagi-14b-llmjp",
        "MIL-UT/Asagi-14B",
        (),
        "Asagi",
        trust_remote_code=True,
        prompt_format="asagi-llmjp",
        model_class="auto_model",
        input_hook="asagi",
        transformers_range=(None, "4.50"),
        note="the reference harness's Asagi prompt (indentation included), for parity only",
    ),
    ModelSpec(
        "llava-calm2-siglip",
        "cyberagent/llava-calm2-siglip",
        ("calm2-vlm",),
        "LLaVA-CALM2",
        prompt_format="llava-calm2",
        input_hook="llava-calm2",
        transformers_range=("4.45", "4.46"),
    ),
    ModelSpec(
        "llama-3-evovlm-jp-v2",
        "SakanaAI/Llama-3-EvoVLM-JP-v2",
        ("evovlm-jp-v2",),
        "EvoVLM",
        dtype="float16",
        prompt_format="evovlm",
        model_class="mantis",
        processor_id="TIGER-Lab/Mantis-8B-siglip-llama3",
        requires=(MANTIS,),
        input_hook="evovlm",
        recommended_generation={"num_beams": 5, "repetition_penalty": 1.5, "max_new_tokens": 512},
        note="Sakana's own runs used beam search 5, repetition penalty 1.5, 512 new tokens",
    ),
    ModelSpec(
        "llm-jp-3-vila-14b",
        "llm-jp/llm-jp-3-vila-14b",
        ("vila-ja",),
        "VILA",
        dtype="float16",
        backend="unsupported",
        requires=(VILA,),
        note="needs the llm-jp-VILA code base; eval-mm has no adapter for it yet",
    ),
    *_many(
        "Sarashina2-Vision",
        "sbintuitions/sarashina2-vision-{s}",
        ("8b", "14b"),
        "sarashina2-vision-{s}",
        trust_remote_code=True,
        prompt_format="sarashina",
        model_class="auto_causal",
        dtype="auto",
        stop_strings=("\n###",),
        transformers_range=("4.47", "4.48"),
        recommended_generation={"max_new_tokens": 128, "do_sample": False},
    ),
    *_many(
        "Heron-NVILA",
        "turing-motors/Heron-NVILA-Lite-{s}",
        ("1B", "2B", "15B", "33B"),
        "heron-nvila-lite-{s}",
        trust_remote_code=True,
        backend="generate_content",
        model_class="auto_model",
        dtype="auto",
        prompt_format="interleaved",
        transformers_range=("4.46", "4.47"),
    ),
    *_many("Qwen2-VL", "Qwen/Qwen2-VL-{s}-Instruct", ("2B", "7B", "72B"), "qwen2-vl-{s}"),
    *_many(
        "Qwen2.5-VL", "Qwen/Qwen2.5-VL-{s}-Instruct", ("3B", "7B", "32B", "72B"), "qwen2.5-vl-{s}"
    ),
    *_many("Qwen3-VL", "Qwen/Qwen3-VL-{s}-Instruct", ("2B", "4B", "8B", "32B"), "qwen3-vl-{s}"),
    # Reasoning models: the output is `<think>...</think>` then the answer; scoring separates
    # them (eval_mm.reasoning); without --max-new-tokens the budget is reasoning_max_new_tokens.
    *_many(
        "Qwen3-VL-Thinking",
        "Qwen/Qwen3-VL-{s}-Thinking",
        ("2B", "4B", "8B", "32B"),
        "qwen3-vl-{s}-thinking",
        reasoning="think_tags",
    ),
    ModelSpec(
        "glm-4.1v-9b-thinking",
        "zai-org/GLM-4.1V-9B-Thinking",
        (),
        "GLM-4.1V-Thinking",
        reasoning="think_tags",
        note="the answer after </think> is wrapped in <answer>...</answer>",
    ),
    *_many("Gemma 3", "google/gemma-3-{s}-it", ("4b", "12b", "27b"), "gemma-3-{s}"),
    ModelSpec(
        "pixtral-12b",
        "mistral-community/pixtral-12b",
        (),
        "Pixtral",
        vllm={"tokenizer_mode": "auto"},
        note="HF-format copy of mistralai/Pixtral-12B-2409",
    ),
    *_many(
        "LLaVA-1.5", "llava-hf/llava-1.5-{s}-hf", ("7b", "13b"), "llava-1.5-{s}", dtype="float16"
    ),
    ModelSpec(
        "llava-1.6-mistral-7b",
        "llava-hf/llava-v1.6-mistral-7b-hf",
        ("llava-next-7b",),
        "LLaVA-1.6",
        dtype="float16",
    ),
    *_many(
        "InternVL3", "OpenGVLab/InternVL3-{s}-hf", ("1B", "2B", "8B", "14B", "38B"), "internvl3-{s}"
    ),
    ModelSpec(
        "llama-3.2-11b-vision",
        "meta-llama/Llama-3.2-11B-Vision-Instruct",
        ("mllama-11b",),
        "Llama-3.2-Vision",
    ),
    ModelSpec(
        "phi-4-multimodal",
        "microsoft/Phi-4-multimodal-instruct",
        ("phi4-mm",),
        "Phi-4",
        trust_remote_code=True,
        prompt_format="phi4",
        model_class="auto_causal",
        dtype="auto",
        requires=(PEFT,),
        transformers_range=("4.48", "4.49"),
    ),
    ModelSpec(
        "pangea-7b",
        "neulab/Pangea-7B-hf",
        (),
        "Pangea",
        dtype="float16",
        prompt_format="pangea",
        input_hook="pangea",
    ),
]

# Short aliases for the flagship sizes.
_EXTRA_ALIASES = {
    "asagi-14b": ("asagi",),
    "sarashina2-vision-14b": ("sarashina2-vision",),
    "heron-nvila-lite-15b": ("heron-nvila",),
}

CATALOG: dict[str, ModelSpec] = {s.name: s for s in SPECS}


def aliases(spec: ModelSpec) -> tuple[str, ...]:
    # The HF id names the first entry for it; later ones are variants (asagi-14b-llmjp).
    first = next(s for s in SPECS if s.hf_id == spec.hf_id) is spec
    return (*spec.aliases, *_EXTRA_ALIASES.get(spec.name, ()), *((spec.hf_id,) if first else ()))


def spec_for(name: str) -> ModelSpec | None:
    """The catalog entry for a name, alias or HF id (case-insensitive), if any."""
    low = name.lower()
    for spec in SPECS:
        if low in (spec.name, *(a.lower() for a in aliases(spec))):
            return spec
    return None
