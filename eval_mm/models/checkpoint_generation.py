"""A checkpoint's own decoding defaults (its `generation_config.json`), applied the same way
by every backend.

transformers' `generate` lays the checkpoint's generation config under each call's arguments;
vLLM applies it only when no `SamplingParams` is given, which eval-mm always gives. Left alone,
"greedy" would then mean greedy-with-the-card's-repetition-penalty in one backend and plain
greedy in the other. The rule here is explicit and shared: eval-mm's own settings win
(`max_new_tokens`, `do_sample`, `num_beams`, and `temperature`/`top_p`, which the run's
generation config states); of the checkpoint's other settings, the penalties always apply
and the sampling filters apply only when sampling. Both backends pass the result explicitly
and record it in the run card.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eval_mm.core.model import GenerationConfig

# Keys eval-mm sets itself: a checkpoint value for them never applies.
OWN_KEYS = frozenset(
    {"max_new_tokens", "max_length", "do_sample", "num_beams", "temperature", "top_p"}
)
# Applied whatever the decoding (transformers and vLLM both know these names).
ALWAYS = ("repetition_penalty",)
# Applied only when sampling (greedy search ignores them).
WHEN_SAMPLING = ("top_k", "min_p")
# Token ids and bookkeeping: each backend reads these from the checkpoint itself.
TOKEN_KEYS = frozenset(
    {
        "bos_token_id",
        "eos_token_id",
        "pad_token_id",
        "decoder_start_token_id",
        "transformers_version",
        "_from_model_config",
    }
)

# What `generate` returns or how it caches, not what it decodes (transformers writes these
# into every saved generation_config.json): never reported as unapplied.
RUNTIME_KEYS = frozenset(
    {
        "use_cache",
        "cache_implementation",
        "cache_config",
        "output_attentions",
        "output_hidden_states",
        "output_scores",
        "output_logits",
        "return_dict_in_generate",
    }
)


def checkpoint_decoding(checkpoint: Mapping[str, Any], config: GenerationConfig) -> dict[str, Any]:
    """The checkpoint settings that apply to calls under `config`, in the names both
    backends accept. A value equal to the library default (repetition_penalty 1.0, top_k 0
    or 50 from an untouched config) is still returned when the checkpoint states it, so the
    record shows what the card asked for."""
    keys = ALWAYS + (WHEN_SAMPLING if config.do_sample else ())
    out = {k: checkpoint[k] for k in keys if checkpoint.get(k) is not None}
    return {k: v for k, v in out.items() if k not in config.extra}  # the user's extra wins


def unapplied(checkpoint: Mapping[str, Any], config: GenerationConfig) -> dict[str, Any]:
    """Checkpoint settings neither applied nor owned by eval-mm (e.g. no_repeat_ngram_size):
    recorded, so that a reader sees what the card asked for and was not done."""
    applied = checkpoint_decoding(checkpoint, config)
    skip = OWN_KEYS | TOKEN_KEYS | RUNTIME_KEYS | set(applied) | set(WHEN_SAMPLING) | set(ALWAYS)
    return {k: v for k, v in checkpoint.items() if k not in skip}


# transformers' `generate` fills every setting the call leaves unset from the checkpoint's
# generation config (GenerationMixin._prepare_generation_config). These are the decoding
# settings among them, with the library value that turns each off: passing it keeps an
# unapplied checkpoint setting (no_repeat_ngram_size, ...) from acting in transformers
# while vLLM ignores it.
TRANSFORMERS_OFF: dict[str, Any] = {
    "no_repeat_ngram_size": 0,
    "encoder_no_repeat_ngram_size": 0,
    "typical_p": 1.0,
    "epsilon_cutoff": 0.0,
    "eta_cutoff": 0.0,
    "encoder_repetition_penalty": 1.0,
    "length_penalty": 1.0,
    "early_stopping": False,
    "min_length": 0,
    "min_new_tokens": None,
    "bad_words_ids": None,
    "suppress_tokens": None,
    "begin_suppress_tokens": None,
    "sequence_bias": None,
    "forced_bos_token_id": None,
    "forced_eos_token_id": None,
    "exponential_decay_length_penalty": None,
}


def transformers_neutral(checkpoint: Mapping[str, Any], config: GenerationConfig) -> dict[str, Any]:
    """Arguments that make transformers decode as the shared rule says and vLLM does: the
    unapplied checkpoint decoding settings turned off and, when sampling without a top_k
    from the checkpoint, top_k off (transformers' global default is 50, vLLM's none)."""
    out = {k: v for k, v in TRANSFORMERS_OFF.items() if k in unapplied(checkpoint, config)}
    if config.do_sample and "top_k" not in checkpoint_decoding(checkpoint, config):
        out["top_k"] = 0
    return {k: v for k, v in out.items() if k not in config.extra}
