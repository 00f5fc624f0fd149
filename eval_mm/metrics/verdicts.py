"""Parsers of yes/no grader replies (`correct: yes|no`), as pure functions: the JaWildText
board judge (spec tasks-2026.md §3.4) and the JAMMEval grader (§7.3).

Legacy parsers read the first match anywhere, as the references do (so they may read a
reasoning judge's analysis text). The strict board parser reads only the final channel of a
gpt-oss (harmony) reply, one verdict line, and returns None when there is none.
"""

from __future__ import annotations

import re

_ANYWHERE = re.compile(r"correct\s*:\s*(yes|no)", re.IGNORECASE)
_LINE = re.compile(r"[\s*_`>#-]*correct[*_`]*\s*:\s*[*_`]*\s*(yes|no)\b", re.IGNORECASE)
_FINAL = "<|channel|>final<|message|>"
_END = re.compile(r"<\|(?:return|end|call)\|>")
# vLLM's offline `LLM.chat` drops the harmony special tokens, leaving "analysis...assistantfinal".
_FLAT_ANALYSIS = re.compile(r"^\s*analysis(?=\S)(?!:)")
_FLAT_FINAL = "assistantfinal"


def first_verdict(reply: str | None) -> bool | None:
    """The first `correct: yes|no` anywhere (case-insensitive); None when there is none."""
    m = _ANYWHERE.search(reply or "")
    return None if m is None else m.group(1).lower() == "yes"


def final_channel(reply: str) -> str | None:
    """The final-channel text of a harmony reply; the reply itself when it has no channels;
    None when it has an analysis channel but no final one (cut by the token limit)."""
    if _FINAL in reply:
        return _END.split(reply.rsplit(_FINAL, 1)[1], 1)[0]
    if "<|channel|>" in reply:
        return None
    if _FLAT_ANALYSIS.match(reply):
        return reply.rsplit(_FLAT_FINAL, 1)[1] if _FLAT_FINAL in reply else None
    return reply


def strict_verdict(reply: str | None) -> bool | None:
    """The first line of the final channel that is a `correct: yes|no` verdict, else None."""
    final = final_channel(reply or "")
    if final is None:
        return None
    for line in final.splitlines():
        m = _LINE.match(line)
        if m:
            return m.group(1).lower() == "yes"
    return None
