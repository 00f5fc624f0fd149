"""Tesseract 5 as a classical-OCR baseline (Debian packages tesseract-ocr, tesseract-ocr-jpn).

It reads the images of a sample and ignores the instruction text: a reference point for
text-reading tasks, not a VLM.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from eval_mm.core.model import GenerationConfig, Model, ModelOutput
from eval_mm.core.options import Options, option, output_options, parse_options
from eval_mm.core.sample import Sample
from eval_mm.errors import UserError
from eval_mm.registries import register_model

# Tesseract's Japanese model separates characters with spaces; drop a space that has a
# non-ASCII character on either side, keep spaces between Latin words.
_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-jpn"


def _tesseract(*args: str) -> str:
    return subprocess.run(["tesseract", *args], capture_output=True, text=True, check=True).stdout


@dataclass(frozen=True)
class TesseractOptions(Options):
    lang: str = option("jpn", help="language data, e.g. jpn or jpn+eng")
    psm: int = option(7, min=0, max=13, help="page segmentation mode (7: one text line)")
    batch_size: int = option(32, min=1, affects_output=False, help="samples per call")
    workers: int = option(2, min=1, affects_output=False, help="tesseract processes at once")


class TesseractModel(Model):
    """Tesseract 5 OCR (classical baseline; reads the images, ignores the prompt)."""

    name = "tesseract"

    def __init__(self, name: str = "tesseract", **options: Any) -> None:
        self.options = opts = parse_options(TesseractOptions, options, "tesseract model")
        if shutil.which("tesseract") is None:
            raise UserError(f"the tesseract binary is missing: {INSTALL}")
        langs = set(_tesseract("--list-langs").split())
        missing = [lg for lg in opts.lang.split("+") if lg not in langs]
        if missing:
            raise UserError(f"Tesseract has no language data for {missing}: {INSTALL}")
        self.lang, self.psm = opts.lang, opts.psm
        self.batch_size, self.workers = opts.batch_size, opts.workers
        self._version = _tesseract("--version").splitlines()[0].split()[-1]

    @property
    def model_id(self) -> str:
        return "tesseract"

    def _read_images(self, images: Sequence[Image.Image]) -> list[str]:
        """One tesseract process per list of images: its model loads once, not per image.
        Pages in the output end with a form feed, one per input image."""
        with tempfile.TemporaryDirectory(prefix="evalmm-tess-") as tmp:
            paths = []
            for i, img in enumerate(images):
                path = Path(tmp) / f"{i:05d}.png"
                img.convert("RGB").save(path, compress_level=1)
                paths.append(str(path))
            listing = Path(tmp) / "images.txt"
            listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
            out = _tesseract(str(listing), "stdout", "-l", self.lang, "--psm", str(self.psm))
        pages = out.split("\f")[: len(images)]
        if len(pages) != len(images):
            raise RuntimeError(f"tesseract returned {len(pages)} pages for {len(images)} images")
        return [_CJK_SPACE.sub("", p).strip() for p in pages]

    def generate(self, samples: Sequence[Sample], config: GenerationConfig) -> list[ModelOutput]:
        images = [img for s in samples for img in s.images]
        chunk = max(1, -(-len(images) // self.workers))
        chunks = [images[i : i + chunk] for i in range(0, len(images), chunk)]
        with ThreadPoolExecutor(
            max_workers=self.workers
        ) as pool:  # separate processes: real parallelism
            texts = [t for part in pool.map(self._read_images, chunks) for t in part]
        outputs: list[ModelOutput] = []
        pos = 0
        for s in samples:
            n = len(s.images)
            outputs.append("\n".join(texts[pos : pos + n]).strip())
            pos += n
        return outputs

    def card(self) -> dict[str, Any]:
        return {
            "id": "tesseract",
            "backend": "tesseract",
            "revision": self._version,
            "settings": output_options(self.options),
        }


register_model("tesseract")(TesseractModel)
