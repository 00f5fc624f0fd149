"""A sample: chat messages made of text and image parts, plus reference answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from PIL import Image

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class TextPart:
    text: str
    type: Literal["text"] = "text"


@dataclass(frozen=True)
class ImagePart:
    image: Image.Image
    type: Literal["image"] = "image"


Part = TextPart | ImagePart
_UNREADABLE = "eval_mm_unreadable"  # the image-info key of a stand-in for a broken image


def unreadable_image(reason: str) -> Image.Image:
    """A stand-in for an image that could not be decoded. The sample holding it is recorded
    as failed with `reason` (`Sample.data_error`) and never sent to a model: one corrupt
    image fails its sample, not the run."""
    img = Image.new("RGB", (8, 8), (128, 128, 128))
    img.info[_UNREADABLE] = reason
    return img


@dataclass(frozen=True)
class Message:
    role: Role
    content: tuple[Part, ...]

    @property
    def text(self) -> str:
        """The message's text parts joined by newlines (images left out)."""
        return "\n".join(p.text for p in self.content if isinstance(p, TextPart))

    @property
    def images(self) -> list[Image.Image]:
        return [p.image for p in self.content if isinstance(p, ImagePart)]


@dataclass
class Sample:
    """One evaluation item.

    `id` is stable across runs and unique within a task. `references` holds one or more
    gold answers. `metadata` carries what scorers and breakdowns need (category, options,
    rotation, domain, ...). `judge_question` is the question text shown to an LLM judge.
    """

    id: str
    messages: list[Message]
    references: list[str]
    metadata: dict[str, Any] = field(default_factory=dict)
    judge_question: str | None = None

    @property
    def images(self) -> list[Image.Image]:
        return [img for m in self.messages for img in m.images]

    @property
    def data_error(self) -> str | None:
        """Why this sample cannot be generated (an unreadable image), or None."""
        return next((str(i.info[_UNREADABLE]) for i in self.images if _UNREADABLE in i.info), None)

    @property
    def prompt(self) -> str:
        """Text of the last user turn."""
        users = [m for m in self.messages if m.role == "user"]
        return users[-1].text if users else ""

    @property
    def reference(self) -> str:
        return self.references[0] if self.references else ""


def user_turn(prompt: str, images: list[Image.Image] | None = None) -> list[Message]:
    """The default layout (spec §0.2): one user turn, all images first, then the text."""
    parts: list[Part] = [ImagePart(img) for img in images or []]
    parts.append(TextPart(prompt.replace("<image>", "")))
    return [Message("user", tuple(parts))]
