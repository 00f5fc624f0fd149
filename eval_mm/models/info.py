"""Model metadata for the leaderboard: size, language model, vision encoder, open or API,
release month, licence and links.

`CATALOG_INFO` is keyed by the names of `eval_mm.models.catalog` (a test checks that every
catalog entry has one); `PUBLISHED_INFO` covers models that appear only in the published
reference tables, keyed by the id those tables use. The facts were compiled from the model
cards and Hub listings; `None` means "not recorded here", never a guess. Parameters are the
total count in billions as the Hub lists it (vision encoder and projector included).

Local checkpoints get their metadata from a user file (`models.json` beside the results,
or `eval-mm leaderboard --models-info FILE`), a JSON object keyed by the model id that the
run card records (what was passed to `--model`)::

    {
      "/ckpt/my-vlm/step-4000": {"params_b": 7.6, "llm": "my-llm-7b", "vision": "siglip2-so400m",
                                 "access": "open", "released": "2026-02", "licence": "apache-2.0",
                                 "card_url": "https://...", "datasets_url": "https://...",
                                 "display": "my-vlm step 4000"}
    }

Every field is optional; unknown fields are rejected so that a typo does not go unnoticed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from eval_mm.errors import UserError
from eval_mm.models.catalog import CATALOG, spec_for

OPEN, API = "open", "api"


@dataclass(frozen=True)
class ModelInfo:
    params_b: float | None = None  # total parameters, billions
    llm: str | None = None
    vision: str | None = None
    access: str | None = None  # "open" (weights published) | "api"
    released: str | None = None  # YYYY-MM
    licence: str | None = None
    card_url: str | None = None
    datasets_url: str | None = None
    display: str | None = None
    params_from_name: bool = False  # params read off the model name, not from a card

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _i(params: float | None, llm: str | None, vision: str | None, released: str | None,
       licence: str | None, access: str = OPEN, datasets: str | None = None) -> ModelInfo:
    return ModelInfo(params, llm, vision, access, released, licence, datasets_url=datasets)


_SIGLIP = "siglip-so400m-patch14-384"
_QWEN2VL_VIT = "Qwen2-VL ViT (675M)"
_QWEN25VL_VIT = "Qwen2.5-VL ViT (window attention)"
_QWEN3VL_VIT = "Qwen3-VL ViT (SigLIP-2 based)"
_INTERN_300M = "InternViT-300M-448px-V2.5"
_HERON_VIT = "paligemma-siglip-so400m-patch14-448"

CATALOG_INFO: dict[str, ModelInfo] = {
    "asagi-2b": _i(2.3, "llm-jp-3-1.8b-instruct", _SIGLIP, "2025-01", "apache-2.0"),
    "asagi-4b": _i(4.2, "llm-jp-3-3.7b-instruct", _SIGLIP, "2025-01", "apache-2.0"),
    "asagi-8b": _i(7.7, "llm-jp-3-7.2b-instruct", _SIGLIP, "2025-01", "apache-2.0"),
    "asagi-14b": _i(13.5, "llm-jp-3-13b-instruct", _SIGLIP, "2025-01", "apache-2.0"),
    "asagi-14b-llmjp": _i(13.5, "llm-jp-3-13b-instruct", _SIGLIP, "2025-01", "apache-2.0"),
    "llava-calm2-siglip": _i(7.5, "calm2-7b-chat", _SIGLIP, "2024-06", "apache-2.0"),
    "llama-3-evovlm-jp-v2": _i(8.5, "Llama-3 8B (evolutionary merge)", _SIGLIP, "2024-08",
                               "llama3"),
    "llm-jp-3-vila-14b": _i(14.0, "llm-jp-3-13b-instruct", _SIGLIP, "2024-10", "apache-2.0"),
    "sarashina2-vision-8b": _i(8.0, "sarashina2-7b", "Qwen2-VL-7B image encoder", "2025-03",
                               "mit"),
    "sarashina2-vision-14b": _i(14.4, "sarashina2-13b", "Qwen2-VL-7B image encoder", "2025-03",
                                "mit"),
    "heron-nvila-lite-1b": _i(0.9, "Qwen2.5-0.5B-Instruct", _HERON_VIT, None, "apache-2.0"),
    "heron-nvila-lite-2b": _i(2.0, "Qwen2.5-1.5B-Instruct", _HERON_VIT, None, "apache-2.0"),
    "heron-nvila-lite-15b": _i(15.0, "Qwen2.5-14B-Instruct", _HERON_VIT, None,
                               "apache-2.0"),
    "heron-nvila-lite-33b": _i(33.0, "Qwen2.5-32B-Instruct", _HERON_VIT, None,
                               "apache-2.0"),
    "qwen2-vl-2b": _i(2.2, "Qwen2-1.5B", _QWEN2VL_VIT, "2024-08", "apache-2.0"),
    "qwen2-vl-7b": _i(8.3, "Qwen2-7B", _QWEN2VL_VIT, "2024-08", "apache-2.0"),
    "qwen2-vl-72b": _i(73.4, "Qwen2-72B", _QWEN2VL_VIT, "2024-09", "qwen"),
    "qwen2.5-vl-3b": _i(3.8, "Qwen2.5-3B", _QWEN25VL_VIT, "2025-01", "qwen-research"),
    "qwen2.5-vl-7b": _i(8.3, "Qwen2.5-7B", _QWEN25VL_VIT, "2025-01", "apache-2.0"),
    "qwen2.5-vl-32b": _i(33.5, "Qwen2.5-32B", _QWEN25VL_VIT, "2025-03", "apache-2.0"),
    "qwen2.5-vl-72b": _i(73.4, "Qwen2.5-72B", _QWEN25VL_VIT, "2025-01", "qwen"),
    "qwen3-vl-2b": _i(2.1, "Qwen3-1.7B", _QWEN3VL_VIT, "2025-10", "apache-2.0"),
    "qwen3-vl-4b": _i(4.4, "Qwen3-4B", _QWEN3VL_VIT, "2025-10", "apache-2.0"),
    "qwen3-vl-8b": _i(8.8, "Qwen3-8B", _QWEN3VL_VIT, "2025-10", "apache-2.0"),
    "qwen3-vl-32b": _i(33.4, "Qwen3-32B", _QWEN3VL_VIT, "2025-10", "apache-2.0"),
    # The Thinking checkpoints have their Instruct twins' architecture.
    "qwen3-vl-2b-thinking": _i(2.1, "Qwen3-1.7B", _QWEN3VL_VIT, "2025-10", "apache-2.0"),
    "qwen3-vl-4b-thinking": _i(4.4, "Qwen3-4B", _QWEN3VL_VIT, "2025-10", "apache-2.0"),
    "qwen3-vl-8b-thinking": _i(8.8, "Qwen3-8B", _QWEN3VL_VIT, "2025-10", "apache-2.0"),
    "qwen3-vl-32b-thinking": _i(33.4, "Qwen3-32B", _QWEN3VL_VIT, "2025-10", "apache-2.0"),
    "glm-4.1v-9b-thinking": _i(10.3, "GLM-4-9B-0414", "AIMv2-Huge", "2025-07", "mit"),
    "gemma-3-4b": _i(4.3, "Gemma 3 4B", "SigLIP 400M", "2025-03", "gemma"),
    "gemma-3-12b": _i(12.2, "Gemma 3 12B", "SigLIP 400M", "2025-03", "gemma"),
    "gemma-3-27b": _i(27.4, "Gemma 3 27B", "SigLIP 400M", "2025-03", "gemma"),
    "pixtral-12b": _i(12.4, "Mistral NeMo 12B", "Pixtral-ViT (400M)", "2024-09", "apache-2.0"),
    "llava-1.5-7b": _i(7.1, "Vicuna-7B v1.5", "CLIP ViT-L/14-336", "2023-10", "llama2"),
    "llava-1.5-13b": _i(13.4, "Vicuna-13B v1.5", "CLIP ViT-L/14-336", "2023-10", "llama2"),
    "llava-1.6-mistral-7b": _i(7.6, "Mistral-7B-Instruct-v0.2", "CLIP ViT-L/14-336", "2024-01",
                               "apache-2.0"),
    "internvl3-1b": _i(0.9, "Qwen2.5-0.5B", _INTERN_300M, "2025-04", "mit"),
    "internvl3-2b": _i(2.1, "Qwen2.5-1.5B", _INTERN_300M, "2025-04", "mit"),
    "internvl3-8b": _i(7.9, "Qwen2.5-7B", _INTERN_300M, "2025-04", "mit"),
    "internvl3-14b": _i(15.1, "Qwen2.5-14B", _INTERN_300M, "2025-04", "mit"),
    "internvl3-38b": _i(38.4, "Qwen2.5-32B", "InternViT-6B-448px-V2.5", "2025-04", "mit"),
    "llama-3.2-11b-vision": _i(10.6, "Llama 3.1 8B", "ViT-H/14 (Llama 3.2 Vision)", "2024-09",
                               "llama3.2"),
    "phi-4-multimodal": _i(5.6, "Phi-4-mini (3.8B)", "SigLIP-400M", "2025-02", "mit"),
    "pangea-7b": _i(7.9, "Qwen2-7B-Instruct", None, "2024-10", "apache-2.0",
                    datasets="https://huggingface.co/datasets/neulab/PangeaInstruct"),
}

# Models of the published tables that the catalog does not name (ids as the tables write them).
PUBLISHED_INFO: dict[str, ModelInfo] = {
    "gpt-4o-2024-11-20": _i(None, "GPT-4o", None, "2024-11", "proprietary", API),
    "gpt-4o-2024-05-13": _i(None, "GPT-4o", None, "2024-05", "proprietary", API),
    "Claude 3.5 Sonnet (2024-06-20)": _i(None, None, None, "2024-06", "proprietary", API),
    "Gemini 1.5 Pro": _i(None, None, None, "2024-02", "proprietary", API),
    "GPT-5.4-mini": _i(None, None, None, None, "proprietary", API),
    "Claude Sonnet 4.6": _i(None, None, None, None, "proprietary", API),
    "Gemini 3 Flash Preview": _i(None, None, None, None, "proprietary", API),
    "Qwen/Qwen2.5-VL-72B-Instruct": CATALOG_INFO["qwen2.5-vl-72b"],
    "Qwen/Qwen3-VL-30B-A3B-Instruct": _i(31.1, "Qwen3-30B-A3B (MoE, 3B active)", _QWEN3VL_VIT,
                                          "2025-10", "apache-2.0"),
    "OpenGVLab/InternVL3-78B": _i(78.4, "Qwen2.5-72B", "InternViT-6B-448px-V2.5", "2025-04",
                                  "qwen"),
    "OpenGVLab/InternVL2-8B": _i(8.1, "InternLM2.5-7B-chat", "InternViT-300M-448px", "2024-07",
                                 "mit"),
    "OpenGVLab/InternVL2-26B": _i(25.5, "InternLM2-chat-20B", "InternViT-6B-448px-V1-5",
                                  "2024-07", "mit"),
    "llava-hf/llava-1.5-13b-hf": CATALOG_INFO["llava-1.5-13b"],
    "mistralai/Pixtral-12B-2409": CATALOG_INFO["pixtral-12b"],
    "stabilityai/japanese-stable-vlm": _i(None, "japanese-stablelm-instruct-gamma-7b",
                                          None, "2023-11", None),
    "stabilityai/japanese-instructblip-alpha": _i(None, "japanese-stablelm-instruct-alpha-7b",
                                                  "EVA-CLIP ViT-g (InstructBLIP)", "2023-08",
                                                  None),
    "CohereLabs/aya-vision-8b": _i(8.6, "Command R7B", "SigLIP2-so400m-patch14-384", "2025-03",
                                   "cc-by-nc-4.0"),
    "CohereLabs/aya-vision-32b": _i(32.7, "Aya Expanse 32B", "SigLIP2-so400m-patch14-384",
                                    "2025-03", "cc-by-nc-4.0"),
    "Sarashina2.2-Vision-3B": _i(3.8, "Sarashina2.2-3B-Instruct", "SigLIP", None, None),
    "Stockmark-2-VL-100B-beta": _i(96.5, None, None, None, None),
}

_NORMALISE = re.compile(r"[^a-z0-9]+")
_SIZE = re.compile(r"(?<![a-z0-9.])(\d+(?:\.\d+)?)b(?![a-z])", re.IGNORECASE)


def _norm(name: str) -> str:
    """`Qwen/Qwen2.5-VL-7B-Instruct`, `Qwen2.5-VL-7B-Instruct` and `qwen2.5 vl 7b instruct`
    share one key; so do `InternVL3_5-4B` and `InternVL3.5-4B`."""
    return _NORMALISE.sub("", name.rsplit("/", 1)[-1].lower())


@lru_cache(maxsize=1)
def _catalog_by_norm() -> dict[str, str]:
    return {_norm(spec.hf_id): name for name, spec in CATALOG.items()}


def _card_url(key: str) -> str | None:
    return f"https://huggingface.co/{key}" if key.count("/") == 1 else None


def params_from_name(name: str) -> float | None:
    """`Qwen3-VL-30B-A3B` -> 30.0: the total size written in the name, if any."""
    m = _SIZE.search(name.rsplit("/", 1)[-1])
    return float(m.group(1)) if m else None


def lookup(model_id: str, user: dict[str, ModelInfo] | None = None) -> ModelInfo:
    """Metadata for a model id as a run card or a published table writes it.

    Order: the user file (exact id), the catalog (name, alias or HF id), the published
    table, then the same two by normalised name. What stays unknown is None; the size is
    then read off the name and flagged as such."""
    if user and model_id in user:
        return user[model_id]
    return _builtin(model_id)


@lru_cache(maxsize=4096)
def _builtin(model_id: str) -> ModelInfo:
    spec = spec_for(model_id)
    if spec is not None and spec.name in CATALOG_INFO:
        return replace(CATALOG_INFO[spec.name], card_url=_card_url(spec.hf_id))
    if model_id in PUBLISHED_INFO:
        info = PUBLISHED_INFO[model_id]
        return info if info.card_url else replace(info, card_url=_card_url(model_id))
    key = _norm(model_id)
    name = _catalog_by_norm().get(key)
    if name is not None and name in CATALOG_INFO:
        return replace(CATALOG_INFO[name], card_url=_card_url(CATALOG[name].hf_id))
    for pid, info in PUBLISHED_INFO.items():
        if _norm(pid) == key:
            return info if info.card_url else replace(info, card_url=_card_url(pid))
    size = params_from_name(model_id)
    return ModelInfo(params_b=size, params_from_name=size is not None,
                     card_url=_card_url(model_id) if "/" in model_id else None)


_FIELDS = {f.name for f in fields(ModelInfo)} - {"params_from_name"}


def load_user_info(path: Path) -> dict[str, ModelInfo]:
    """The user's metadata file (format in the module docstring)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"model metadata file {path}: cannot read it ({exc})") from exc
    if not isinstance(data, dict):
        raise UserError(f"model metadata file {path}: expected a JSON object keyed by model id")
    out: dict[str, ModelInfo] = {}
    for model, entry in data.items():
        if not isinstance(entry, dict):
            raise UserError(f"model metadata file {path}: entry {model!r} is not an object")
        unknown = sorted(set(entry) - _FIELDS)
        if unknown:
            raise UserError(f"model metadata file {path}: entry {model!r} has unknown fields "
                            f"{unknown}; allowed: {sorted(_FIELDS)}")
        params = entry.get("params_b")
        if params is not None and not isinstance(params, (int, float)):
            raise UserError(f"model metadata file {path}: {model!r} params_b must be a number "
                            "(billions)")
        access = entry.get("access")
        if access not in (None, OPEN, API):
            raise UserError(f"model metadata file {path}: {model!r} access must be "
                            f"{OPEN!r} or {API!r}")
        out[str(model)] = ModelInfo(**{k: entry[k] for k in entry})
    return out
