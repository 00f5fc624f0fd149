"""How a failure is treated: fatal (stop the run, exit 2), transient (a rerun retries it) or
permanent (recorded with its reason, excluded from means, not retried by the same identity).

One classification for every API call the harness makes, the judge's and an API model's.
"""

from __future__ import annotations

from typing import Literal

from eval_mm.errors import UserError

FailureKind = Literal["fatal", "transient", "permanent"]
TRANSIENT: FailureKind = "transient"
PERMANENT: FailureKind = "permanent"


class FatalError(UserError):
    """A failure no rerun can fix with the same settings (a rejected key, an unknown model,
    an exhausted quota): the run stops before anything more is sent or marked complete."""


_HINTS = {
    401: "the API key was rejected: check OPENAI_API_KEY (or AZURE_OPENAI_API_KEY, .env)",
    403: "the key has no access to this model or endpoint",
    404: "unknown model or wrong endpoint: check the model name and base URL",
}


def classify(exc: BaseException) -> FailureKind:
    """The kind of an exception raised by an API client or a model backend."""
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        if status in _HINTS or _quota_exhausted(exc):
            return "fatal"
        if status in (408, 409, 429) or status >= 500:
            return "transient"
        return "permanent"
    name = type(exc).__name__
    if name in ("APITimeoutError", "APIConnectionError", "TimeoutError", "ConnectionError"):
        return "transient"
    if isinstance(exc, (TimeoutError, ConnectionError)):
        return "transient"
    return "permanent"


def _quota_exhausted(exc: BaseException) -> bool:
    code = getattr(exc, "code", None)
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        code = code or body.get("code") or (body.get("error") or {}).get("code")
    return code == "insufficient_quota"


def fatal_error(exc: BaseException, where: str) -> FatalError:
    """The message of a fatal API failure. The server's own text is left out on purpose:
    some servers echo the key they rejected."""
    status = getattr(exc, "status_code", None)
    if _quota_exhausted(exc):
        hint = "the account's quota is exhausted (insufficient_quota): add credit or another key"
    else:
        hint = _HINTS.get(status or 0, type(exc).__name__)
    return FatalError(f"{where}: HTTP {status}: {hint}; nothing was marked complete")
