"""The chat-completion reply of the fake OpenAI server (tests/support/openai_server.py):
choices from its reply rules, the token limit applied as a real server does, usage."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.support.openai_server import FakeOpenAI


def completion(fake: FakeOpenAI, body: dict[str, Any]) -> dict[str, Any]:
    n = int(body.get("n") or 1)
    replies = [fake.reply_text(body, k) for k in range(n)]
    messages = [
        {"role": "assistant", **(r if isinstance(r, dict) else {"content": r})} for r in replies
    ]
    # A reply longer than max_tokens (4 characters a token) is cut, as a real server does;
    # reasoning (`reasoning_content` / `reasoning`) counts against the same limit, and a
    # reasoning that alone exceeds it leaves no content at all.
    limit = body.get("max_completion_tokens") or body.get("max_tokens")
    finish = ["stop"] * n
    thought = [0] * n
    for k, m in enumerate(messages):
        field = "reasoning_content" if "reasoning_content" in m else "reasoning"
        r = str(m.get(field) or "")
        thought[k] = len(r) // 4 + 1 if r else 0
        if isinstance(limit, int) and r and thought[k] > limit:
            m[field], m["content"], finish[k] = r[: limit * 4], "", "length"
            thought[k] = limit
        left = limit - thought[k] if isinstance(limit, int) else None
        t = str(m.get("content") or "")
        if left is not None and finish[k] == "stop" and len(t) // 4 + 1 > left:
            m["content"], finish[k] = t[: max(0, left) * 4], "length"
    prompt_tokens = (
        sum(len(str(m.get("content", ""))) for m in body.get("messages", [])) // 4 + 1
    )
    completion_tokens = sum(len(str(m.get("content") or "")) // 4 + 1 for m in messages)
    completion_tokens += sum(thought)
    return {
        "id": fake.next_id("chatcmpl"),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": fake.model or body.get("model", "fake"),
        "system_fingerprint": "fp_fake",
        "choices": [
            {"index": k, "message": m, "finish_reason": finish[k], "logprobs": None}
            for k, m in enumerate(messages)
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            **(
                {"completion_tokens_details": {"reasoning_tokens": sum(thought)}}
                if any(thought)
                else {}
            ),
        },
    }
