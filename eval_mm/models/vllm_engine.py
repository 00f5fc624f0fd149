"""`vllm:NAME`: vLLM's offline engine, in chunks of `batch_size` requests.

The runner hands over `batch_size` samples (default 512) per `generate` call and saves their
predictions when the call returns, so a crash loses at most one chunk. A chunk whose engine
call raises is bisected (eval_mm.models.isolation): the failing requests are recorded as
those samples' failures, the others are answered, and none is re-sent one at a time. A
failure of the engine itself (its process died, CUDA out of memory) stops the run instead:
the chunks saved so far are kept and a rerun resumes after them.

Decoding is stated in full on every call: vLLM applies a checkpoint's generation_config.json
sampling defaults only when no SamplingParams is given, so the applicable ones are passed
explicitly by the rule shared with the transformers adapter (checkpoint_generation.py); vLLM
adds the generation config's eos_token_id(s) as stop tokens itself.

Engine arguments, sampling parameters and requests are built by pure functions
(eval_mm.models.vllm_args); `vllm` itself is imported only when a model is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval_mm.core.model import Generation, GenerationConfig, GenerationFailure, Model, ModelOutput
from eval_mm.core.options import parse_options
from eval_mm.core.sample import Sample
from eval_mm.errors import UserError
from eval_mm.failures import FatalError, classify
from eval_mm.hub import check_available
from eval_mm.identity import folder_fingerprint
from eval_mm.models.catalog import REASONING_MAX_NEW_TOKENS, ModelSpec
from eval_mm.models.checkpoint_generation import checkpoint_decoding, unapplied
from eval_mm.models.isolation import bisect_failures
from eval_mm.models.vllm_args import (
    ENGINE_OPTIONS,
    THROUGHPUT_OPTIONS,
    VLLMEngineOptions,
    VLLMOptions,
    VLLMRequest,
    build_request,
    engine_args,
    sampling_kwargs,
)
from eval_mm.reasoning import opens_think, split_reasoning
from eval_mm.redact import redact_text

__all__ = [
    "THROUGHPUT_OPTIONS",
    "VLLMEngineOptions",
    "VLLMModel",
    "VLLMRequest",
    "build_request",
    "engine_args",
    "engine_failure",
    "sampling_kwargs",
]

# Keys of the checkpoint's generation config that are bookkeeping, not decoding.
_BOOKKEEPING = ("transformers_version", "_from_model_config")
# A request vLLM ended without an answer (aborted, or an internal error it calls retryable).
_UNANSWERED = ("abort", "error")
_CLOSE = "</think>"


def engine_failure(exc: Exception) -> GenerationFailure:
    """The record of a request that failed alone; FatalError when the engine itself failed,
    since every later request would fail the same way. vLLM's own errors say whose fault
    they are: a VLLMClientError (a prompt too long, too many images) is the request's and
    permanent, a VLLMServerError other than a dead engine may pass on a rerun."""
    names = {c.__name__ for c in type(exc).__mro__}
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else ""
    if (
        names & {"EngineDeadError", "OutOfMemoryError"}
        or "CUDA out of memory" in text
        or "CUDA error" in text
    ):
        name = type(exc).__name__
        hint = (
            "lower gpu_memory_utilization, max_num_seqs or max_model_len"
            if "memory" in f"{name} {text}".lower()
            else "see vLLM's log above"
        )
        raise FatalError(
            f"vLLM engine failed ({name}: {text[:200]}); {hint}. The predictions saved so far "
            "are kept: rerun the same command to resume"
        )
    if "VLLMClientError" in names:
        kind = "permanent"
    elif "VLLMServerError" in names or classify(exc) == "transient":
        kind = "transient"
    else:
        kind = "permanent"
    # Redacted before it is cut, as the runner does with its own errors.
    return GenerationFailure(redact_text(f"vllm: {type(exc).__name__}: {text}")[:500], kind)


def checkpoint_generation_of(llm: Any) -> dict[str, Any]:
    """The checkpoint's generation_config.json as vLLM reads it (the values that differ from
    transformers' defaults), without bookkeeping keys."""
    config = getattr(llm, "model_config", None) or llm.llm_engine.model_config
    read = getattr(config, "try_get_generation_config", None)
    diff = dict(read() or {}) if read is not None else {}
    return {k: v for k, v in diff.items() if k not in _BOOKKEEPING}


def reasoning_token_count(
    text: str, token_ids: Sequence[int], close_ids: Sequence[int]
) -> int | None:
    """Tokens of the reasoning, by the strict rule (eval_mm.reasoning): through the last
    `</think>`; all of them when a `<think>` is left open; none without tags. None when the
    tag is in the text but not found as `close_ids` among the tokens (merged with others)."""
    if not split_reasoning(text).has_answer:
        return len(token_ids)
    if _CLOSE not in text.lower():
        return 0
    ids, tag = list(token_ids), list(close_ids)
    if tag:
        for start in range(len(ids) - len(tag), -1, -1):
            if ids[start : start + len(tag)] == tag:
                return start + len(tag)
    return None


def _check_servable(spec: ModelSpec) -> None:
    """Catalog models whose right numbers need code vLLM does not run are refused."""
    if spec.backend == "unsupported":
        raise UserError(f"model {spec.name}: {spec.note}")
    if spec.input_hook:
        raise UserError(
            f"model {spec.name} needs the input fix-up {spec.input_hook!r}, which only the "
            f"transformers adapter applies: run it as {spec.name} (without vllm:)"
        )


class VLLMModel(Model):
    name = "vllm"
    output_libraries = ("vllm", "transformers")

    def __init__(self, name: str, spec: ModelSpec | None = None, **options: Any) -> None:
        self.options = opts = parse_options(VLLMOptions, options, "vLLM")
        if spec is not None:
            spec.check_requirements()
            _check_servable(spec)
        self.spec = spec
        self._name = spec.name if spec else name
        self.batch_size = opts.batch_size  # one engine call per runner batch, saved per call
        max_images = opts.max_images
        self.max_images = int(spec.max_images or max_images) if spec else max_images
        self.prompt_format = opts.prompt_format or (spec.prompt_format if spec else "chat_template")
        self.reasoning = opts.reasoning or (spec.reasoning if spec else "none")
        if self.reasoning != "none":
            budget = spec.reasoning_max_new_tokens if spec else REASONING_MAX_NEW_TOKENS
            self.default_max_new_tokens = budget
        engine = {k: getattr(opts, k) for k in ENGINE_OPTIONS if getattr(opts, k) is not None}
        self.args = engine_args(name, spec, engine, self.max_images)
        check_available(str(self.args["model"]), self.args.get("revision"))
        try:
            import vllm
        except ImportError:
            raise UserError(
                "the vLLM backend needs vllm (and a GPU): pip install 'evalmm-ja[vllm]'"
            ) from None
        self.vllm = vllm
        self.llm = vllm.LLM(**self.args)
        self.version = vllm.__version__
        self.checkpoint_generation = checkpoint_generation_of(self.llm)
        self._close_ids: list[int] | None = None
        self._chat_opens: bool | None = None

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
            "reasoning": self.reasoning,
            "stop_strings": list(self.spec.stop_strings) if self.spec is not None else [],
            "checkpoint_generation_config": self.checkpoint_generation,
            "checkpoint_decoding": self._decoding_record(),
            "eos_rule": "vLLM stops at the generation config's eos_token_id(s) itself",
            # The run identity: what changes the outputs (dtype, prompt format, limits, ...).
            "settings": {
                **{k: v for k, v in self.args.items() if k not in THROUGHPUT_OPTIONS},
                "prompt_format": self.prompt_format,
            },
        }

    def _decoding_record(self) -> dict[str, Any]:
        """The checkpoint's decoding defaults as the shared rule applies them (the rule
        depends only on do_sample and on the user's extra settings)."""
        ckpt = self.checkpoint_generation
        return {
            mode: {
                "applied": checkpoint_decoding(ckpt, GenerationConfig(do_sample=sampling)),
                "unapplied": unapplied(ckpt, GenerationConfig(do_sample=sampling)),
            }
            for mode, sampling in (("greedy", False), ("sampling", True))
        }

    def fingerprint(self) -> dict[str, Any]:
        """Engine settings that change outputs, the content of a local checkpoint and its
        generation defaults (part of every call's sampling parameters)."""
        fp = super().fingerprint()
        model = str(self.args.get("model") or "")
        if model and Path(model).is_dir():
            fp["weights"] = folder_fingerprint(Path(model))
        fp["checkpoint_generation_config"] = self.checkpoint_generation
        return fp

    def sampling_kwargs(self, config: GenerationConfig) -> dict[str, Any]:
        stop = self.spec.stop_strings if self.spec is not None else ()
        applied = checkpoint_decoding(self.checkpoint_generation, config)
        return sampling_kwargs(config, stop, applied)

    def _think_close_ids(self) -> list[int]:
        if self._close_ids is None:
            try:
                self._close_ids = list(
                    self.llm.get_tokenizer().encode(_CLOSE, add_special_tokens=False)
                )
            except Exception:
                self._close_ids = []  # no tokenizer: a closed block then counts as unknown
        return self._close_ids

    def _chat_opens_think(self) -> bool:
        """Whether the model's chat template ends its generation prompt inside a `<think>`
        block (Qwen3 Thinking's does): a property of the template, rendered once on a
        one-line conversation. False when the tokenizer cannot render it."""
        if self._chat_opens is None:
            try:
                text = self.llm.get_tokenizer().apply_chat_template(
                    [{"role": "user", "content": "x"}], add_generation_prompt=True, tokenize=False
                )
                self._chat_opens = opens_think(str(text))
            except Exception:
                self._chat_opens = False
        return self._chat_opens

    def _opened(self, kind: str, item: Any) -> bool:
        if self.reasoning != "think_tags":
            return False
        return self._chat_opens_think() if kind == "chat" else opens_think(str(item["prompt"]))

    def _output(self, completion: Any, opened: bool = False) -> ModelOutput:
        reason = completion.finish_reason
        reason = None if reason is None else str(reason)
        if reason in _UNANSWERED:
            return GenerationFailure(
                f"vllm: the request ended with finish_reason={reason}", "transient"
            )
        text = completion.text
        ids = list(completion.token_ids or ())
        thinking = None
        if self.reasoning == "think_tags":
            counted = ("<think>" + text) if opened else text
            thinking = reasoning_token_count(counted, ids, self._think_close_ids())
        return Generation(
            text,
            reason,
            output_tokens=len(ids),
            reasoning_tokens=thinking,
            prompt_opened_reasoning=opened,
        )

    def _call(self, kind: str, items: list[Any], params: Any) -> list[ModelOutput]:
        if kind == "chat":
            outs = self.llm.chat(items, params, use_tqdm=False)
        else:
            outs = self.llm.generate(items, params, use_tqdm=False)
        return [
            self._output(o.outputs[0], self._opened(kind, item))
            for o, item in zip(outs, items, strict=True)
        ]

    def generate(self, samples: Sequence[Sample], config: GenerationConfig) -> list[ModelOutput]:
        params = self.vllm.SamplingParams(**self.sampling_kwargs(config))
        reqs = [build_request(s, self.prompt_format, self.max_images) for s in samples]
        out: list[ModelOutput] = [GenerationFailure(r.error or "") for r in reqs]
        for kind in ("chat", "prompt"):
            idx = [i for i, r in enumerate(reqs) if r.kind == kind]
            items = [reqs[i].payload for i in idx]

            def call(batch: list[Any], kind: str = kind) -> list[ModelOutput]:
                return self._call(kind, batch, params)

            for i, result in zip(idx, bisect_failures(call, items, engine_failure), strict=True):
                out[i] = result
        return out

    def close(self) -> None:
        self.llm = None
