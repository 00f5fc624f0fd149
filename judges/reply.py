"""A judge request, its reply, and the reply's final answer apart from the judge's reasoning.

Reasoning judges put their reasoning in one of three places, all handled here before any
parser sees the reply:

- a separate API field (`reasoning_content` in vLLM and DeepSeek, `reasoning` in newer
  vLLM and OpenRouter): the content is the answer;
- `<think>...</think>` in the content (Qwen3 and others): the strict rule of
  `eval_mm.reasoning` (answer after the last `</think>`; an open `<think>` = no answer);
- gpt-oss harmony channels in the text (served without a reasoning parser): only the
  `final` channel is the answer, as markup (`<|channel|>final<|message|>...`) or, when the
  server dropped the special tokens, as the literal `...assistantfinal...` they leave.

No final answer (a reasoning judge cut by the token limit) is `answer=None`: the caller
records a judge error, never a parse of the reasoning.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from eval_mm.reasoning import SplitOutput, with_api_reasoning


@dataclass(frozen=True)
class JudgeRequest:
    key: str  # cache key (judges.cache.cache_key)
    messages: list[dict[str, str]]
    seed: int
    n: int = 1
    label: str = ""  # "task:metric:sample:run", the batch custom_id


@dataclass
class JudgeReply:
    """The outcome of one request: `texts` has one entry per choice when `status == "ok"`;
    `reasonings` holds what the API returned apart (`reasoning_content` / `reasoning`)."""

    status: str  # ok | judge_error
    texts: list[str] = field(default_factory=list)
    reasonings: list[str | None] = field(default_factory=list)
    usage: dict[str, int] | None = None
    model: str | None = None  # the model the API says answered
    response_id: str | None = None
    system_fingerprint: str | None = None
    created: int | None = None
    finish_reasons: list[str | None] = field(default_factory=list)
    attempts: int = 0  # error attempts used (429s are not attempts)
    rate_limited: int = 0  # 429s waited out before the reply
    error: str | None = None
    error_kind: str | None = None  # transient (a rerun asks again) | permanent | fatal
    fatal: bool = False
    cached: bool = False
    cost_usd: float | None = None
    batch: dict[str, Any] | None = None

    def to_cache(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("cached")
        return d

    @staticmethod
    def from_cache(d: dict[str, Any]) -> JudgeReply:
        known = set(JudgeReply.__dataclass_fields__)
        return JudgeReply(**{k: v for k, v in d.items() if k in known}, cached=True)


def _reasoning_of(message: dict[str, Any]) -> str | None:
    for name in ("reasoning_content", "reasoning"):  # vLLM, DeepSeek; newer vLLM, OpenRouter
        value = message.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def reply_from_body(body: Any, attempts: int = 1) -> JudgeReply:
    """A chat-completion JSON body (online reply or batch output line) as a reply; raises
    ValueError when it is not one (an HTML error page, an empty `choices`)."""
    if not isinstance(body, dict) or not body.get("choices"):
        raise ValueError("reply is not a chat completion")
    choices = [c if isinstance(c, dict) else {} for c in body["choices"]]
    messages = [c.get("message") or {} for c in choices]
    raw_usage: dict[str, Any] = body.get("usage") or {}
    if not isinstance(raw_usage, dict):
        raw_usage = {}
    usage = {k: v for k, v in raw_usage.items() if isinstance(v, int)}
    details = raw_usage.get("completion_tokens_details")
    thought = details.get("reasoning_tokens") if isinstance(details, dict) else None
    if isinstance(thought, int):  # OpenAI's count of the hidden reasoning tokens
        usage["reasoning_tokens"] = thought
    return JudgeReply(
        "ok",
        texts=[str(m.get("content") or "") for m in messages],
        reasonings=[_reasoning_of(m) for m in messages],
        usage=usage or None,
        model=body.get("model"),
        response_id=body.get("id"),
        system_fingerprint=body.get("system_fingerprint"),
        created=body.get("created"),
        finish_reasons=[c.get("finish_reason") for c in choices],
        attempts=attempts,
    )


_CHANNEL = "<|channel|>"
_MESSAGE = re.compile(
    r"<\|channel\|>\s*([A-Za-z_]+)(?:(?!<\|channel\|>).)*?<\|message\|>(.*?)"
    r"(?=<\|end\|>|<\|return\|>|<\|call\|>|<\|start\|>|<\|channel\|>|\Z)",
    re.DOTALL,
)
_STRIPPED_FINAL = "assistantfinal"  # `<|start|>assistant<|channel|>final<|message|>` untokened


def split_harmony(text: str) -> SplitOutput:
    """Channels of a harmony completion: the last `final` message is the answer; analysis
    and commentary messages are the reasoning. Without channel markup, the untokened form:
    the answer follows the last `assistantfinal`; a text that only starts `analysis...` is
    reasoning without an answer."""
    if _CHANNEL in text:
        finals: list[str] = []
        reasoning: list[str] = []
        for channel, body in _MESSAGE.findall(text):
            (finals if channel == "final" else reasoning).append(body.strip())
        return SplitOutput(finals[-1] if finals else None, "\n".join(reasoning))
    low = text.lower()
    at = low.rfind(_STRIPPED_FINAL)
    if at >= 0:
        head = text[:at]
        head = head[len("analysis") :] if head.lower().startswith("analysis") else head
        return SplitOutput(text[at + len(_STRIPPED_FINAL) :].strip(), head.strip())
    if low.startswith("analysis"):
        return SplitOutput(None, text[len("analysis") :].strip())
    return SplitOutput(text.strip(), "")


def final_answer(content: str | None, api_reasoning: str | None, harmony: bool) -> SplitOutput:
    """The answer a judge parser may read, and the reasoning kept beside it.

    Channel markup is recognised in any reply (it cannot occur by accident); the untokened
    harmony form only for harmony judges whose server did not split the reasoning off."""
    text = content or ""
    if _CHANNEL in text or (harmony and not api_reasoning):
        channels = split_harmony(text)
        split = with_api_reasoning(channels.answer, api_reasoning)  # `<think>` too
        if channels.answer is None:
            split = SplitOutput(None, split.reasoning)
        joined = "\n".join(p for p in (channels.reasoning, split.reasoning) if p)
        split = SplitOutput(split.answer, joined)
    else:
        split = with_api_reasoning(text, api_reasoning)
    if split.answer == "" and api_reasoning:
        return SplitOutput(None, split.reasoning)  # reasoned, then ran out of tokens
    return split
