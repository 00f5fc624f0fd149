"""ja-word-ocr: generated Japanese word images, read back by the model (offline task).

Words come from wordfreq's Japanese frequency list (shipped with the package), rendered
deterministically by seed in three variants modelled on the word-OCR training sets of
Japanese VLM work:

- `small`: 12-18 px text in one fixed font, black on white;
- `large`: 21-27 px text in the same font;
- `random`: several Japanese fonts from Debian packages, 14-36 px, random colours and margins.

Scored by exact match after NFKC and trimming, and by ANLS (tau = 0.5), broken down by variant.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from PIL import Image, ImageDraw, ImageFont

from eval_mm.core.options import Options, option
from eval_mm.core.sample import Sample, user_turn
from eval_mm.core.task import RowSource, Task
from eval_mm.errors import UserError
from eval_mm.registries import register_task

PROMPT = "画像に書かれている文字をそのまま書き出してください。"
VARIANTS = ("small", "large", "random")
LEXICON_SIZE = 20000

# Debian packages fonts-noto-cjk, fonts-ipafont-gothic, fonts-ipafont-mincho, fonts-takao-gothic.
FIXED_FONT = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK JP")
RANDOM_FONTS = (
    FIXED_FONT,
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "Noto Serif CJK JP"),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "Noto Sans CJK JP"),
    ("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf", None),
    ("/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf", None),
    ("/usr/share/fonts/truetype/takao-gothic/TakaoPGothic.ttf", None),
)
FONT_PACKAGES = "fonts-noto-cjk fonts-ipafont-gothic fonts-ipafont-mincho fonts-takao-gothic"

# A word must carry kanji or katakana (frequency lists also hold kana fragments such as 「なっ」).
_WORD = re.compile(r"(?=.*[\u4e00-\u9fff\u30a0-\u30ff])[\u3040-\u30ff\u4e00-\u9fff\u3005ー]{2,8}")


@lru_cache(maxsize=1)
def lexicon() -> tuple[str, ...]:
    from wordfreq import top_n_list

    return tuple(w for w in top_n_list("ja", LEXICON_SIZE) if _WORD.fullmatch(w))


def _face_index(path: str, family: str | None) -> int:
    if family is None or not path.endswith(".ttc"):
        return 0
    for index in range(16):
        try:
            font = ImageFont.truetype(path, 12, index=index)
        except OSError:
            break
        if font.getname()[0] == family:
            return index
    return 0


@lru_cache(maxsize=256)
def load_font(path: str, family: str | None, size: int) -> ImageFont.FreeTypeFont:
    if not Path(path).exists():
        raise UserError(f"font {path} is missing: apt-get install {FONT_PACKAGES}")
    return ImageFont.truetype(path, size, index=_face_index(path, family))


def available_random_fonts() -> list[tuple[str, str | None]]:
    fonts: list[tuple[str, str | None]] = [f for f in RANDOM_FONTS if Path(f[0]).exists()]
    if len(fonts) < 2:
        raise UserError(
            f"the random variant needs several Japanese fonts: apt-get install {FONT_PACKAGES}"
        )
    return fonts


def render(
    word: str,
    font: ImageFont.FreeTypeFont,
    fg: tuple[int, int, int],
    bg: tuple[int, int, int],
    margin: int,
) -> Image.Image:
    left, top, right, bottom = (int(v) for v in font.getbbox(word))
    img = Image.new("RGB", (right - left + 2 * margin, bottom - top + 2 * margin), bg)
    ImageDraw.Draw(img).text((margin - left, margin - top), word, font=font, fill=fg)
    return img


def _contrasting_colours(rng: random.Random) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    while True:
        fg = tuple(rng.randrange(256) for _ in range(3))
        bg = tuple(rng.randrange(256) for _ in range(3))
        # Keep the text legible: a luminance gap of at least a third of the range.
        lum = [0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2] for c in (fg, bg)]
        if abs(lum[0] - lum[1]) > 85:
            return fg, bg  # type: ignore[return-value]


def make_row(variant: str, index: int, seed: int) -> dict[str, Any]:
    """One generated row: the word, its rendering parameters and the image."""
    rng = random.Random(f"{seed}:{variant}:{index}")
    word = rng.choice(lexicon())
    if variant == "random":
        path, family = rng.choice(available_random_fonts())
        size, margin = rng.randint(14, 36), rng.randint(2, 40)
        fg, bg = _contrasting_colours(rng)
    else:
        path, family = FIXED_FONT
        size = rng.randint(12, 18) if variant == "small" else rng.randint(21, 27)
        margin, fg, bg = 8, (0, 0, 0), (255, 255, 255)
    image = render(word, load_font(path, family, size), fg, bg, margin)
    return {
        "id": f"{variant}-{index:05d}",
        "word": word,
        "variant": variant,
        "font": Path(path).name,
        "font_size": size,
        "image": image,
    }


@dataclass(frozen=True)
class WordOcrOptions(Options):
    per_variant: int = option(100, min=1, help="words per variant")
    seed: int = option(0, help="seed of the word and style draws")
    variants: list[str] = option(list(VARIANTS), choices=VARIANTS, help="e.g. small+large")


@register_task
class JaWordOcr(Task):
    """Generated Japanese word images (offline; no download)."""

    id = "ja-word-ocr"
    short_name = "WordOCR"
    aliases = ("word-ocr",)
    version = "1"
    description = "Generated Japanese words to read back; small, large and random-style variants"
    metrics = ("exact_match_nfkc", "anls")
    primary_metric = "exact_match_nfkc"
    breakdown_keys = ("variant",)
    prompt_variants = ("default",)
    group = "ocr"

    options_schema = WordOcrOptions

    def load_rows(self, source: RowSource) -> Iterable[dict[str, Any]]:
        opts = cast(WordOcrOptions, self.options)
        per_variant, seed, variants = opts.per_variant, opts.seed, opts.variants
        self.data_info = {
            "source": "generated",
            "generator": "ja-word-ocr",
            "seed": seed,
            "per_variant": per_variant,
            "variants": variants,
            "lexicon": f"wordfreq top_n_list('ja', {LEXICON_SIZE}), {len(lexicon())} words kept",
            "fixed_font": FIXED_FONT[1],
        }
        for variant in variants:
            for i in range(per_variant):
                yield make_row(variant, i, seed)

    def build_samples(self, rows: Iterable[dict[str, Any]]) -> Iterator[Sample]:
        for row in rows:
            yield Sample(
                id=row["id"],
                messages=user_turn(PROMPT, [row["image"]]),
                references=[row["word"]],
                metadata={
                    "variant": row["variant"],
                    "font": row["font"],
                    "font_size": row["font_size"],
                },
            )

    def prompt_templates(self) -> dict[str, str]:
        return {"prompt": PROMPT}
