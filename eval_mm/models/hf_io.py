"""The transformers adapter's two boundary steps, each in one place: prompt texts -> model
inputs (`encode`), and generated ids -> `Generation`s (`finish`).

Special tokens follow transformers' own rule (ProcessorMixin.apply_chat_template with
tokenize=True): a rendered prompt that already starts with the tokenizer's BOS text is
encoded with `add_special_tokens=False`, so that templates emitting BOS (Gemma 3,
Llama-3.2-Vision, ...) get one BOS, not two; a prompt without it (fixed formats such as
Asagi's) gets the tokenizer's own special tokens, hence one BOS where the tokenizer adds one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eval_mm.core.model import Generation
from eval_mm.models.formats import Prompt
from eval_mm.models.hooks import InputHook

THINK_OPEN, THINK_CLOSE = "<think>", "</think>"


@dataclass(frozen=True)
class Encoded:
    """Model inputs, the exact texts they encode, and whether special tokens were added."""

    inputs: Any
    texts: list[str]
    add_special_tokens: bool


def adds_bos(tokenizer: Any) -> bool:
    bos_id = getattr(tokenizer, "bos_token_id", None)
    if bos_id is None:
        return False
    ids = tokenizer("a")["input_ids"]
    return bool(ids) and ids[0] == bos_id


def special_tokens_rule(texts: Sequence[str], tokenizer: Any) -> tuple[list[str], bool]:
    """(texts to encode, add_special_tokens). All start with BOS: encode as is, adding
    nothing. None does: let the tokenizer add its special tokens. A mix (a template that
    emits BOS only sometimes; one flag serves the whole batch): the others get the BOS text
    the tokenizer would have added, and nothing is added."""
    out = list(texts)
    bos = getattr(tokenizer, "bos_token", None)
    if not bos:
        return out, True
    starts = [t.startswith(bos) for t in out]
    if not any(starts):
        return out, True
    if not all(starts) and adds_bos(tokenizer):
        out = [t if s else bos + t for t, s in zip(out, starts, strict=True)]
    return out, False


def encode(processor: Any, tokenizer: Any, prompts: Sequence[Prompt], hook: InputHook) -> Encoded:
    texts, add = special_tokens_rule([p.text for p in prompts], tokenizer)
    if hook.add_special_tokens is not None:
        add = hook.add_special_tokens
    kw: dict[str, Any] = {"text": texts, "padding": True, "return_tensors": "pt"}
    if any(p.images for p in prompts):
        kw["images"] = [p.images for p in prompts]
    if not add:  # only when needed: some remote-code processors take no such argument
        kw["add_special_tokens"] = False
    try:
        enc = processor(**kw)
    except TypeError as exc:
        if "add_special_tokens" not in str(exc) or hook.add_special_tokens is not None:
            raise
        # This processor cannot be told; give it the texts without their BOS and let its
        # tokenizer add the one BOS (the recorded texts are what it was given).
        bos = tokenizer.bos_token
        texts = [t[len(bos) :] if t.startswith(bos) else t for t in texts]
        add = True
        kw.update(text=texts)
        del kw["add_special_tokens"]
        enc = processor(**kw)
    return Encoded(hook.adjust(enc, texts, tokenizer, add), texts, add)


def eos_ids(model: Any, tokenizer: Any, extra: Any = None) -> set[int]:
    """Token ids that end a generation: the checkpoint's generation config, the tokenizer's
    eos, and any a hook passes to `generate`."""
    ids: set[int] = set()
    gen = getattr(model, "generation_config", None)
    for value in (getattr(gen, "eos_token_id", None), tokenizer.eos_token_id, extra):
        if isinstance(value, int):
            ids.add(value)
        elif isinstance(value, (list, tuple)):
            ids.update(v for v in value if isinstance(v, int))
    return ids


def _first_prefix_containing(tokenizer: Any, ids: list[int], needle: str) -> int | None:
    """The smallest k such that ids[:k] decodes to a text containing `needle` (binary
    search: containment only grows with the prefix)."""
    if needle not in tokenizer.decode(ids, skip_special_tokens=False):
        return None
    lo, hi = 1, len(ids)
    while lo < hi:
        mid = (lo + hi) // 2
        if needle in tokenizer.decode(ids[:mid], skip_special_tokens=False):
            hi = mid
        else:
            lo = mid + 1
    return lo


def finish(
    tokenizer: Any,
    row: list[int],
    *,
    max_new_tokens: int,
    stop_ids: set[int],
    pad_id: int | None,
    stop_strings: Sequence[str] = (),
    think_tags: bool = False,
    prompt_opens_think: bool = False,
) -> Generation:
    """A Generation from one row of generated ids (the prompt already cut off).

    "stop": the row reached an eos id or a stop string; "length": it used all
    `max_new_tokens` without either. `output_tokens` counts the generated tokens, the eos
    included, padding after the end excluded. With `think_tags`, `reasoning_tokens` counts
    the tokens up to and including `</think>`; without one, all of them when the block was
    opened (by the output, or by the prompt: Qwen3 Thinking templates end with `<think>`),
    else none."""
    end = next((k for k, t in enumerate(row) if t in stop_ids), None)
    if end is not None:
        ids, reason = row[: end + 1], "stop"
    else:
        ids = list(row)
        while ids and pad_id is not None and ids[-1] == pad_id:
            ids.pop()  # rows ended by a stop string are padded up to the longest row
        text = tokenizer.decode(ids, skip_special_tokens=True)
        hit = any(s in text for s in stop_strings)
        reason = "stop" if hit or len(ids) < max_new_tokens else "length"
    kept = [t for t in ids if t not in stop_ids]
    text = tokenizer.decode(kept, skip_special_tokens=True)
    reasoning: int | None = None
    if think_tags:
        found = _first_prefix_containing(tokenizer, kept, THINK_CLOSE)
        opened = prompt_opens_think or THINK_OPEN in text
        reasoning = found if found is not None else (len(ids) if opened else 0)
        if THINK_CLOSE not in text:
            # `</think>` is a special token in some tokenizers: keep it in the text so that
            # scoring can separate the reasoning (the text is otherwise unchanged).
            text = _decode_keeping(tokenizer, kept, THINK_CLOSE) if found else text
    for stop in stop_strings:
        text = text.split(stop, 1)[0]
    return Generation(
        text,
        finish_reason=reason,
        output_tokens=len(ids),
        reasoning_tokens=reasoning,
        prompt_opened_reasoning=think_tags and prompt_opens_think,
    )


def _decode_keeping(tokenizer: Any, ids: list[int], keep: str) -> str:
    """Decode dropping special tokens except those whose text contains `keep`'s tag name."""
    special = set(getattr(tokenizer, "all_special_ids", []) or [])
    tag = keep.strip("</>")
    kept = [t for t in ids if t not in special or tag in str(tokenizer.convert_ids_to_tokens(t))]
    return str(tokenizer.decode(kept, skip_special_tokens=False))
