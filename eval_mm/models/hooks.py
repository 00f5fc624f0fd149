"""Per-family fix-ups of what a checkpoint's processor produces, named by the catalog
(`ModelSpec.input_hook`).

A hook changes how the prompt text becomes model inputs, never the prompt itself (prompt
layouts live in eval_mm.models.formats): whether special tokens are added, which tensors
reach `generate`, extra `generate` arguments, or a one-time model preparation. Each hook
cites where its behaviour comes from: the reference harness (llm-jp/llm-jp-eval-mm, the code
behind the published leaderboard numbers) at commit REFERENCE_COMMIT, or the family's own
code it calls. The transformers adapter (eval_mm.models.hf) applies them; the run card
records the hook's name and source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eval_mm.errors import UserError

REFERENCE = "llm-jp/llm-jp-eval-mm"
REFERENCE_COMMIT = "9f450a580cc1b7c3e7ce1e0a75a2299a9affab5a"
MANTIS_COMMIT = "f3a319202d882a1794d28440b77bba7c58869a9e"


@dataclass(frozen=True)
class InputHook:
    """No fix-up: the processor's encoding as is, special tokens by the BOS rule
    (eval_mm.models.hf_io.special_tokens_rule)."""

    name: str = "none"
    source: str = ""
    # None: the BOS rule decides; False: the processor never adds special tokens.
    add_special_tokens: bool | None = None

    def prepare(self, model: Any, tokenizer: Any) -> None:
        """One-time change to the loaded model (default: none)."""

    def adjust(self, enc: Any, texts: Sequence[str], tokenizer: Any, add_special: bool) -> Any:
        """The inputs `generate` receives, from the processor's encoding `enc` of `texts`."""
        return enc

    def generate_kwargs(self, tokenizer: Any) -> dict[str, Any]:
        """Extra `generate` arguments (default: none)."""
        return {}

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "source": self.source}


@dataclass(frozen=True)
class AsagiInputs(InputHook):
    """MIL-UT/Asagi-*: the model reads the tokenizer's own encoding of the prompt (its remote
    code places the image features at the `<image>` tokens), not the processor's ids, and
    takes no `token_type_ids`. Reference: examples/asagi.py (`inputs["input_ids"] =
    processor.tokenizer(prompt)["input_ids"]`, same for attention_mask, `k !=
    "token_type_ids"`). The reference encodes one prompt at a time; a batch here is the same
    encoding left-padded, with the same special-token rule as the processor call."""

    name: str = "asagi"
    source: str = f"{REFERENCE}@{REFERENCE_COMMIT}:examples/asagi.py"

    def adjust(self, enc: Any, texts: Sequence[str], tokenizer: Any, add_special: bool) -> Any:
        own = tokenizer(
            list(texts), padding=True, return_tensors="pt", add_special_tokens=add_special
        )
        enc["input_ids"] = own["input_ids"]
        enc["attention_mask"] = own["attention_mask"]
        if "token_type_ids" in enc:
            del enc["token_type_ids"]
        return enc


@dataclass(frozen=True)
class NoSpecialTokens(InputHook):
    """cyberagent/llava-calm2-siglip: the processor is called with `add_special_tokens=False`
    (no BOS before `USER: `). Reference: examples/llava_calm2_siglip.py. Kept because the
    published numbers were made so; not checked against the model card (docs/models.md)."""

    name: str = "llava-calm2"
    source: str = f"{REFERENCE}@{REFERENCE_COMMIT}:examples/llava_calm2_siglip.py"
    add_special_tokens: bool | None = False


@dataclass(frozen=True)
class Llama3Terminators(InputHook):
    """SakanaAI/Llama-3-EvoVLM-JP-v2 (Mantis): generation also ends at `<|eot_id|>`, the
    Llama-3 turn end, not only at the tokenizer's eos. Reference: examples/
    llama_3_evovlm_jp_v2.py calls Mantis's `chat_mllava`, which for Llama-3 language models
    passes `eos_token_id=[tokenizer.eos_token_id, <|eot_id|>]` (TIGER-AI-Lab/Mantis@
    MANTIS_COMMIT:mantis/models/mllava/utils.py)."""

    name: str = "evovlm"
    source: str = (
        f"{REFERENCE}@{REFERENCE_COMMIT}:examples/llama_3_evovlm_jp_v2.py; "
        f"TIGER-AI-Lab/Mantis@{MANTIS_COMMIT}:mantis/models/mllava/utils.py"
    )

    def generate_kwargs(self, tokenizer: Any) -> dict[str, Any]:
        ids = [tokenizer.eos_token_id, tokenizer.convert_tokens_to_ids("<|eot_id|>")]
        known = [i for i in ids if isinstance(i, int) and i != tokenizer.unk_token_id]
        return {"eos_token_id": list(dict.fromkeys(known))}


@dataclass(frozen=True)
class ResizeEmbeddings(InputHook):
    """neulab/Pangea-7B-hf: the token embeddings are resized to the tokenizer's length before
    generating (`model.resize_token_embeddings(len(processor.tokenizer))`), so that no id
    outside the tokenizer can be produced. Reference: examples/pangea_hf.py."""

    name: str = "pangea"
    source: str = f"{REFERENCE}@{REFERENCE_COMMIT}:examples/pangea_hf.py"

    def prepare(self, model: Any, tokenizer: Any) -> None:
        model.resize_token_embeddings(len(tokenizer))


NO_HOOK = InputHook()
HOOKS: dict[str, InputHook] = {
    h.name: h for h in (AsagiInputs(), NoSpecialTokens(), Llama3Terminators(), ResizeEmbeddings())
}


def hook_for(name: str | None) -> InputHook:
    if name is None or name == NO_HOOK.name:
        return NO_HOOK
    if name not in HOOKS:
        raise UserError(f"unknown input hook {name!r}; known: {', '.join(sorted(HOOKS))}")
    return HOOKS[name]
