"""The generic Hugging Face transformers adapter.

Any checkpoint whose processor has a chat template works by id or local folder:
`AutoProcessor` renders the task's messages (images and text interleaved as the messages
say), `AutoModelForImageTextToText` (or the family's class) generates. Batches are sorted
by input length and left-padded; a CUDA out-of-memory error halves the batch and retries.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from eval_mm.core.model import GenerationConfig, GenerationFailure, Model, ModelOutput
from eval_mm.core.options import Options, option, parse_options
from eval_mm.core.sample import Sample
from eval_mm.errors import UserError
from eval_mm.hub import check_available
from eval_mm.identity import folder_fingerprint
from eval_mm.models.catalog import ModelSpec
from eval_mm.models.checkpoint_generation import (
    checkpoint_decoding,
    transformers_neutral,
    unapplied,
)
from eval_mm.models.compat import check_transformers, constraints_file, dtype_kwargs
from eval_mm.models.formats import FORMATS, Prompt, render
from eval_mm.models.hf_io import Encoded, encode, eos_ids, finish
from eval_mm.models.hooks import hook_for
from eval_mm.reasoning import opens_think

log = logging.getLogger(__name__)

Dtype = Literal["auto", "bfloat16", "float16", "float32"]
_DTYPES: tuple[str, ...] = get_args(Dtype)


def torch_dtype(name: str) -> Any:
    import torch

    if name not in _DTYPES:
        raise UserError(f"dtype must be one of {', '.join(_DTYPES)}, not {name!r}")
    return "auto" if name == "auto" else getattr(torch, name)


def hf_generate_kwargs(config: GenerationConfig) -> dict[str, Any]:
    """`model.generate` keyword arguments for a generation config (greedy by default)."""
    kw: dict[str, Any] = {
        "max_new_tokens": config.max_new_tokens,
        "do_sample": config.do_sample,
        "num_beams": config.num_beams,
    }
    if config.do_sample:  # temperature/top_p mean nothing to greedy search
        kw.update(temperature=config.temperature, top_p=config.top_p)
    kw.update(config.extra)
    return kw


def apply_recommended(config: GenerationConfig, recommended: dict[str, Any]) -> GenerationConfig:
    """A config with a model's recommended settings laid over it (unknown keys go to extra)."""
    return config.with_overrides(recommended)


def is_oom(exc: BaseException) -> bool:
    import torch

    return isinstance(exc, torch.OutOfMemoryError) or "CUDA out of memory" in str(exc)


def local_or_hub(path: str) -> str:
    return "local" if Path(path).is_dir() else "hub"


@dataclass(frozen=True)
class LoadOptions(Options):
    """Options of every adapter that loads a checkpoint with transformers."""

    dtype: Dtype | None = option(None, help="weights dtype (default: the catalog's, or auto)")
    revision: str | None = option(None, help="hub branch, tag or commit")
    generation: Literal["default", "recommended"] = option(
        "default", help="recommended: the model card's decoding settings instead of greedy"
    )


@dataclass(frozen=True)
class HFOptions(LoadOptions):
    attn_implementation: str | None = option(None, help="e.g. sdpa, eager, flash_attention_2")
    device: str | None = option(None, affects_output=False, help="cuda, cuda:1, cpu, ...")
    device_map: str | dict[str, Any] | None = option(
        None, affects_output=False, help="accelerate placement, e.g. auto"
    )
    batch_size: int = option(16, min=1, affects_output=False, help="samples per generate call")
    micro_batch_size: int | None = option(
        None, min=1, affects_output=False, help="samples per forward pass (default batch_size)"
    )
    trust_remote_code: bool | None = option(None, help="run the checkpoint's own code")
    prompt_format: str | None = option(None, choices=FORMATS, help="how messages become text")
    model_kwargs: dict[str, Any] = option({}, help="extra from_pretrained arguments (JSON)")
    processor_kwargs: dict[str, Any] = option({}, help="extra processor arguments (JSON)")
    reasoning: Literal["none", "think_tags"] | None = option(
        None, help="think_tags: output carries <think>...</think> (default: the catalog's)"
    )


class HFModel(Model):
    name = "hf"
    output_libraries = ("transformers",)

    def __init__(self, name: str, spec: ModelSpec | None = None, **options: Any) -> None:
        self.options = opts = parse_options(HFOptions, options, "transformers adapter")
        spec = spec or ModelSpec(name=name, hf_id=name, dtype="auto")
        spec.check_requirements()
        bounds = spec.transformers_range  # before any download
        check_transformers(spec.name, bounds, constraints_file(bounds))
        self.spec = spec
        self.prompt_format = opts.prompt_format or spec.prompt_format
        generation = opts.generation
        self.recommended = spec.recommended_generation if generation == "recommended" else {}
        self._id = spec.name if spec.name != spec.hf_id else name
        if self.recommended:
            self._id += "+recommended-gen"  # different decoding, different result folder
        self.batch_size = opts.batch_size
        self.micro_batch_size = opts.micro_batch_size or opts.batch_size
        self.hook = hook_for(spec.input_hook)
        self.reasoning = opts.reasoning or spec.reasoning
        if self.reasoning != "none":
            self.default_max_new_tokens = spec.reasoning_max_new_tokens
        self.settings: dict[str, Any] = {
            "dtype": opts.dtype or spec.dtype,
            "attn_implementation": opts.attn_implementation,
            "device_map": opts.device_map,
            "revision": opts.revision if opts.revision is not None else spec.revision,
            "trust_remote_code": spec.trust_remote_code
            if opts.trust_remote_code is None
            else opts.trust_remote_code,
            "model_class": spec.model_class,
            "prompt_format": self.prompt_format,
            "padding_side": "left",
            "batch_size": self.batch_size,
            "micro_batch_size": self.micro_batch_size,
            "model_kwargs": opts.model_kwargs,
            "processor_kwargs": opts.processor_kwargs,
            "input_hook": self.hook.name,
            "reasoning": self.reasoning,
            # How prompt texts become ids (hf_io.special_tokens_rule): part of the identity,
            # since the one-BOS rule changed the inputs of templates that emit BOS.
            "special_tokens": "transformers-rule",
        }
        for repo in dict.fromkeys([spec.hf_id, spec.processor_id or spec.hf_id]):
            check_available(repo, self.settings["revision"])  # seconds, not minutes of retries
        self._load(opts.device)

    # --- loading ------------------------------------------------------------------
    def _load(self, device: str | None) -> None:
        try:
            import torch
            import transformers
        except ImportError:
            raise UserError(
                "the transformers adapter needs the hf extra: pip install 'evalmm-ja[hf]'"
            ) from None
        s, spec = self.settings, self.spec
        common = {"revision": s["revision"], "trust_remote_code": s["trust_remote_code"]}
        mkw: dict[str, Any] = {**common, **dtype_kwargs(torch_dtype(s["dtype"]))}
        mkw.update(s["model_kwargs"])
        if s["attn_implementation"]:
            mkw["attn_implementation"] = s["attn_implementation"]
        if s["device_map"] is not None:
            mkw["device_map"] = s["device_map"]
        source = spec.hf_id
        try:
            if spec.model_class == "mantis":
                from mantis.models.mllava import LlavaForConditionalGeneration, MLlavaProcessor

                model = LlavaForConditionalGeneration.from_pretrained(source, **mkw)
                processor = MLlavaProcessor.from_pretrained(spec.processor_id or source)
            else:
                cls = {
                    "auto_image_text": transformers.AutoModelForImageTextToText,
                    "auto_causal": transformers.AutoModelForCausalLM,
                    "auto_model": transformers.AutoModel,
                }[spec.model_class]
                processor = transformers.AutoProcessor.from_pretrained(
                    spec.processor_id or source, **common, **s["processor_kwargs"]
                )
                model = cls.from_pretrained(source, **mkw)
        except (OSError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise UserError(f"could not load {source} with transformers: {first}") from None
        if s["device_map"] is None:
            device = device or ("cuda" if torch.cuda.is_available() else "cpu")
            model = model.to(device)
        self.model = model.eval()
        self.processor = processor
        tok = getattr(processor, "tokenizer", processor)
        tok.padding_side = "left"  # decoder-only batches pad on the left
        if tok.pad_token_id is None and tok.eos_token_id is not None:
            tok.pad_token = tok.eos_token
        self.tokenizer = tok
        self.hook.prepare(model, tok)
        self.device = model.device
        self.dtype = next(model.parameters()).dtype
        self.revision = getattr(model.config, "_commit_hash", None) or (
            None if local_or_hub(source) == "local" else s["revision"]
        )
        # `generate` lays the checkpoint's generation_config.json (a repetition penalty, top_k,
        # ...) under every call's arguments: part of the settings actually used.
        gen = getattr(model, "generation_config", None)
        diff = gen.to_diff_dict() if gen is not None else {}
        self.checkpoint_generation = {
            k: v for k, v in diff.items() if k not in ("transformers_version", "_from_model_config")
        }
        self.settings["dtype_loaded"] = str(self.dtype).replace("torch.", "")
        self.settings["device"] = str(self.device)
        self.settings["transformers"] = transformers.__version__

    # --- Model interface -------------------------------------------------------------
    @property
    def model_id(self) -> str:
        return self._id

    def card(self) -> dict[str, Any]:
        return {
            "id": self.model_id,
            "backend": "transformers",
            "hf_id": self.spec.hf_id,
            "source": local_or_hub(self.spec.hf_id),
            "revision": self.revision,
            "settings": self.settings,
            "catalog": self.spec.to_json() if self.spec.name != self.spec.hf_id else None,
            "generation_overrides": self.recommended,
            "generation_kwargs_rule": "greedy unless do_sample; temperature/top_p when sampling; "
            "the checkpoint's decoding defaults as checkpoint_decoding says, the rest off",
            "checkpoint_generation_config": self.checkpoint_generation,
            "checkpoint_decoding": self._decoding_record(),
            "input_hook": self.hook.to_json(),
            "special_tokens_rule": "add_special_tokens=False when the prompt starts with BOS",
            "stop_strings": list(self.spec.stop_strings),
            "message_layout": "as the task's messages say (images first, then text)",
        }

    def _decoding_record(self) -> dict[str, Any]:
        """The checkpoint's decoding defaults as the shared rule applies them, greedy and
        sampling (the rule depends only on do_sample and the settings laid over the run)."""
        out = {}
        for mode, sampling in (("greedy", False), ("sampling", True)):
            cfg = apply_recommended(GenerationConfig(do_sample=sampling), self.recommended)
            ckpt = self.checkpoint_generation
            out[mode] = {
                "applied": checkpoint_decoding(ckpt, cfg),
                "unapplied": unapplied(ckpt, cfg),
                "turned_off": transformers_neutral(ckpt, cfg),
            }
        return out

    def fingerprint(self) -> dict[str, Any]:
        """The weights: the hub commit, or the content of a local folder (configs, tokenizer
        and chat template by content, weight files by size and time), and the checkpoint's
        generation defaults, which `generate` lays under every call."""
        fp = super().fingerprint()
        source = self.spec.hf_id
        if local_or_hub(source) == "local":
            fp["weights"] = folder_fingerprint(Path(source))
        fp["checkpoint_generation_config"] = self.checkpoint_generation
        return fp

    def close(self) -> None:
        import gc

        import torch

        self.model = None
        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()

    def render(self, sample: Sample) -> Prompt:
        return render(self.prompt_format, sample.messages, self.processor)

    def generate(self, samples: Sequence[Sample], config: GenerationConfig) -> list[ModelOutput]:
        # The recommended decoding is already in `config` (eval_mm.decoding lays it under the
        # user's flags, and the run identity records the result).
        outputs: list[ModelOutput | None] = [None] * len(samples)
        prompts: dict[int, Prompt] = {}
        for i, sample in enumerate(samples):
            try:
                prompts[i] = self.render(sample)
            except UserError as exc:
                outputs[i] = GenerationFailure(f"prompt: {exc}")
        # Similar lengths together: less padding, and a stable order for a given batch.
        order = sorted(prompts, key=lambda i: (len(prompts[i].images), self._length(prompts[i]), i))
        start, size = 0, self.micro_batch_size
        while start < len(order):
            chunk = order[start : start + size]
            # Text-only and image prompts never share a batch (processors reject the mix).
            chunk = [i for i in chunk if bool(prompts[i].images) == bool(prompts[chunk[0]].images)]
            try:
                texts = self._run([prompts[i] for i in chunk], config)
            except Exception as exc:
                if not is_oom(exc):
                    raise
                self._free()
                if size > 1:
                    size = max(1, size // 2)
                    log.warning("CUDA out of memory; retrying with batches of %d", size)
                    continue
                texts = [GenerationFailure("CUDA out of memory with a batch of one")]
            for i, text in zip(chunk, texts, strict=True):
                outputs[i] = text
            start += len(chunk)
        return [o if o is not None else GenerationFailure("no output") for o in outputs]

    # --- internals --------------------------------------------------------------------
    def _length(self, prompt: Prompt) -> int:
        return len(self.tokenizer(prompt.text, add_special_tokens=False)["input_ids"])

    def _free(self) -> None:
        import torch

        if torch.cuda.is_available():
            torch.cuda.empty_cache()

    def _inputs(self, prompts: Sequence[Prompt]) -> Any:
        return self._encode(prompts).inputs

    def _encode(self, prompts: Sequence[Prompt]) -> Encoded:
        """Model inputs on the model's device and dtype (the one encode step: hf_io.encode)."""
        encoded = encode(self.processor, self.tokenizer, prompts, self.hook)
        enc = encoded.inputs.to(self.device)
        for key, value in enc.items():
            if hasattr(value, "is_floating_point") and value.is_floating_point():
                enc[key] = value.to(self.dtype)
        return Encoded(enc, encoded.texts, encoded.add_special_tokens)

    def generate_kwargs(self, config: GenerationConfig) -> dict[str, Any]:
        """Everything passed to `model.generate` besides the inputs: the run's settings, the
        checkpoint's applicable defaults (checkpoint_generation), its other decoding
        settings turned off, the hook's and the stop strings."""
        ckpt = self.checkpoint_generation
        kw = {
            **transformers_neutral(ckpt, config),
            **checkpoint_decoding(ckpt, config),
            **hf_generate_kwargs(config),
            **self.hook.generate_kwargs(self.tokenizer),
        }
        if self.tokenizer.pad_token_id is not None:
            kw.setdefault("pad_token_id", self.tokenizer.pad_token_id)
        if self.spec.stop_strings:
            kw.update(stop_strings=list(self.spec.stop_strings), tokenizer=self.tokenizer)
        return kw

    def _run(self, prompts: Sequence[Prompt], config: GenerationConfig) -> list[ModelOutput]:
        import torch

        encoded = self._encode(prompts)
        for text in encoded.texts:
            log.debug("prompt sent (add_special_tokens=%s): %r", encoded.add_special_tokens, text)
        enc = encoded.inputs
        kw = self.generate_kwargs(config)
        if config.do_sample:
            torch.manual_seed(config.seed)
        with torch.inference_mode():
            out = self.model.generate(**enc, **kw)
        new = out[:, enc["input_ids"].shape[1] :].tolist()
        stop = eos_ids(self.model, self.tokenizer, kw.get("eos_token_id"))
        return [
            finish(
                self.tokenizer,
                row,
                max_new_tokens=config.max_new_tokens,
                stop_ids=stop,
                pad_id=self.tokenizer.pad_token_id,
                stop_strings=self.spec.stop_strings,
                think_tags=self.reasoning == "think_tags",
                prompt_opens_think=opens_think(text),
            )
            for row, text in zip(new, encoded.texts, strict=True)
        ]
