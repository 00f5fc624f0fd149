"""Finding the requests that make a batch call fail, without sending the others alone.

A batch engine call (vLLM's `LLM.chat` / `LLM.generate`) either answers every request or
raises, with no partial outputs. `bisect_failures` then splits the batch in halves and
retries each half, recursively, until every failing request stands alone: with k bad
requests among n it makes at most about 2k·log2(n) + 1 calls, and a good request is sent
at most about log2(n) + 1 times, never alone unless it shares its last half with a bad one.
For vLLM a failing call is cheap: requests are validated as they are added, and the ones
already added are aborted before any decoding, so the re-sent halves cost rendering, not
generation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from eval_mm.core.model import GenerationFailure, ModelOutput
from eval_mm.failures import FatalError

T = TypeVar("T")

# `failure(exc)`: the per-request record of an exception, or FatalError raised (the engine
# is gone or out of memory: stop the run; re-sending would fail again on every half).
Failure = Callable[[Exception], GenerationFailure]


def bisect_failures(
    call: Callable[[list[T]], Sequence[ModelOutput]], items: Sequence[T], failure: Failure
) -> list[ModelOutput]:
    """One output per item, in order: `call(items)` if it succeeds, else its halves'."""
    if not items:
        return []
    batch = list(items)
    try:
        outs = list(call(batch))
        if len(outs) != len(batch):
            raise RuntimeError(f"the engine returned {len(outs)} outputs for {len(batch)}")
        return outs
    except (KeyboardInterrupt, FatalError):
        raise
    except Exception as exc:
        record = failure(exc)  # raises FatalError for a failure of the engine itself
        if len(batch) == 1:
            return [record]
    mid = len(batch) // 2
    return bisect_failures(call, batch[:mid], failure) + bisect_failures(call, batch[mid:], failure)
