"""Models whose remote code exposes `generate_content([image, ..., text])` (Heron-NVILA).

The model's own code builds the prompt from the list; we pass the parts in message order
(images first, then text, spec §0.2) and one sample at a time, as that API takes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eval_mm.core.model import GenerationConfig, Model, ModelOutput
from eval_mm.core.options import option, parse_options
from eval_mm.core.sample import ImagePart, Sample
from eval_mm.errors import UserError
from eval_mm.hub import check_available
from eval_mm.models.catalog import ModelSpec
from eval_mm.models.compat import check_transformers, constraints_file, dtype_kwargs
from eval_mm.models.hf import LoadOptions, apply_recommended, hf_generate_kwargs, torch_dtype


def content_parts(sample: Sample) -> list[Any]:
    """Images and texts of the sample's user turns, in order, as `generate_content` takes."""
    parts: list[Any] = []
    for m in sample.messages:
        for p in m.content:
            if isinstance(p, ImagePart):
                parts.append(p.image.convert("RGB"))
            elif p.text.replace("<image>", ""):
                parts.append(p.text.replace("<image>", ""))
    return parts


@dataclass(frozen=True)
class GenerateContentOptions(LoadOptions):
    device_map: str | dict[str, Any] | None = option(
        "auto", affects_output=False, help="accelerate placement"
    )


class GenerateContentModel(Model):
    name = "generate_content"

    def __init__(self, name: str, spec: ModelSpec, **options: Any) -> None:
        self.options = opts = parse_options(GenerateContentOptions, options, f"{spec.name} model")
        spec.check_requirements()
        bounds = spec.transformers_range  # before any download
        check_transformers(spec.name, bounds, constraints_file(bounds))
        self.spec = spec
        self.batch_size = 1
        self.recommended = spec.recommended_generation if opts.generation == "recommended" else {}
        device_map = opts.device_map
        check_available(spec.hf_id, opts.revision or spec.revision)
        try:
            from transformers import AutoModel
        except ImportError:
            raise UserError("this model needs the hf extra: pip install 'evalmm-ja[hf]'") from None
        self.settings: dict[str, Any] = {
            "dtype": opts.dtype or spec.dtype,
            "device_map": device_map,
            "revision": opts.revision or spec.revision,
            "api": "generate_content",
        }
        self.model = AutoModel.from_pretrained(
            spec.hf_id,
            trust_remote_code=True,
            **dtype_kwargs(torch_dtype(self.settings["dtype"])),
            device_map=device_map,
            revision=self.settings["revision"],
        )
        self.revision = getattr(self.model.config, "_commit_hash", None)

    @property
    def model_id(self) -> str:
        return self.spec.name + ("+recommended-gen" if self.recommended else "")

    def card(self) -> dict[str, Any]:
        return {
            "id": self.model_id,
            "backend": "transformers-remote-code",
            "hf_id": self.spec.hf_id,
            "revision": self.revision,
            "settings": self.settings,
            "catalog": self.spec.to_json(),
            "generation_overrides": self.recommended,
            "message_layout": "generate_content([images..., text])",
        }

    def generate(self, samples: Sequence[Sample], config: GenerationConfig) -> list[ModelOutput]:
        import torch
        from transformers import GenerationConfig as HFGenerationConfig

        if self.recommended:
            config = apply_recommended(config, self.recommended)
        gen = HFGenerationConfig(**hf_generate_kwargs(config))
        with torch.inference_mode():
            return [
                str(self.model.generate_content(content_parts(s), generation_config=gen))
                for s in samples
            ]
