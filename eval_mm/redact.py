"""One redaction function for everything eval-mm writes: result files, caches, logs, the
command line in run cards and error texts.

`redact(value)` masks, in text and recursively in lists and dicts:
- API key formats: OpenAI (`sk-...`), Hugging Face (`hf_...`), Azure (the 84-character keys,
  and 32 hex characters where the text speaks of Azure or an api-key), bearer and basic auth;
- credentials inside URLs (`scheme://user:password@host`);
- the value of any field, option, flag or `name=value` / `name: value` pair whose name says
  key, token, secret, password or authorization (`api_key`, `--judge-api-key`, `HF_TOKEN`, ...);
- the exact values of secrets known to this process: environment variables with such names
  (OPENAI_API_KEY, AZURE_OPENAI_API_KEY, HF_TOKEN, ...) and values given to `add_secret`.

Names that merely count or point at secrets are not secrets: `max_tokens`, `api_key_env`.
A model's answer (a record's `output`) is scored from the file, so it is masked only for
known secret values and key formats, never by the `name: value` guess.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from eval_mm.core.options import MASK, SECRET_VALUES

_SECRET_WORDS = frozenset(
    {"key", "apikey", "token", "secret", "password", "passwd", "authorization"}
)
# A trailing word that says the value names where the secret lives or what kind of thing it
# is, not the secret itself (token_param: which request field carries a token limit).
_POINTER_WORDS = frozenset(
    {"env", "var", "variable", "file", "path", "name", "id", "type", "param", "count", "limit"}
)
# "key" after one of these names a lookup key (cluster_key, sort_key), not a credential.
_DATA_KEYS = frozenset(
    {"cluster", "cache", "sort", "group", "column", "primary", "foreign", "dict", "map",
     "lookup", "join", "index", "reference", "metadata", "partition", "task", "sample"}
)
_NOT_VALUES = frozenset({"null", "true", "false", "None"})  # JSON literals hold no secret
_KNOWN: set[str] = set()
_ANSWERS = frozenset({"output"})  # fields holding a model's answer
_MIN_SECRET = 6  # shorter values are not worth (and not safe) to search for in text

# Key formats, each behind a cheap substring test (most text holds none: writing stays fast).
_KEY_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("sk-", re.compile(r"(?<![A-Za-z0-9])sk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_\-]{16,}")),
    ("hf_", re.compile(r"(?<![A-Za-z0-9])hf_[A-Za-z0-9]{20,}")),  # Hugging Face
    ("JQQJ9", re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{52}JQQJ9[A-Za-z0-9]{27}(?![A-Za-z0-9])")),
    ("Bearer ", re.compile(r"(?<=Bearer )[A-Za-z0-9._~+/=\-]{6,}")),
    ("Basic ", re.compile(r"(?<=Basic )[A-Za-z0-9+/=]{8,}")),  # base64 of user:password
]
# Classic Azure keys are 32 hex characters: masked where the text speaks of Azure or of an
# api-key (a bare 32-hex run elsewhere may be a digest, which must stay as it is).
_AZURE = re.compile(r"(?<![0-9A-Fa-f])[0-9a-f]{32}(?![0-9A-Fa-f])")
_AZURE_CONTEXT = ("azure", "api-key", "apikey", "api_key", "ocp-apim", "subscription")
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@?#]+@")
# name=value, name: value, "name": "value", --name value is handled by redact_argv
_PAIR = re.compile(
    r"(?P<name>[A-Za-z][A-Za-z0-9_.\-]*)(?P<sep>[\"']?(?:\s*=|:(?=[\s\"']))\s*)"
    r"(?P<value>\"[^\"]*\"|'[^']*'|[^\s,;&'\"}\])]+)"
)
_KEY_PREFIX = re.compile(r"^(sk-|hf_|Bearer\s)")
_OPTION_NAME = re.compile(r"^-{0,2}[A-Za-z_][A-Za-z0-9_.\-]*$")


def add_secret(value: str | None) -> None:
    """Mask this exact value wherever it appears from now on."""
    if value and len(value) >= _MIN_SECRET:
        _KNOWN.add(value)


def _words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [w for w in re.split(r"[^a-z0-9]+", spaced.lower()) if w]


@lru_cache(maxsize=4096)  # field names repeat in every record
def is_secret_name(name: str) -> bool:
    """True for names such as api_key, HF_TOKEN, --judge-api-key, password, Authorization."""
    words = _words(name)
    if not words or words[-1] in _POINTER_WORDS:
        return False
    if words[-1] == "key" and len(words) > 1 and words[-2] in _DATA_KEYS:
        return False
    return any(w in _SECRET_WORDS for w in words) or "apikey" in "".join(words)


@lru_cache(maxsize=4)
def _env_secrets(_size: int) -> frozenset[str]:
    # A value that is a path (SSH_AUTH_SOCK-like names) is where a secret lives, not one.
    return frozenset(
        v
        for k, v in os.environ.items()
        if len(v) >= _MIN_SECRET and is_secret_name(k) and not v.startswith(("/", "~", "."))
    )


def _known() -> tuple[str, ...]:
    return _sorted_secrets(len(os.environ), len(_KNOWN), len(SECRET_VALUES))


@lru_cache(maxsize=8)
def _sorted_secrets(n_env: int, n_known: int, n_options: int) -> tuple[str, ...]:
    # Longest first, so that a secret containing another is masked whole.
    found = _env_secrets(n_env) | _KNOWN | SECRET_VALUES
    return tuple(sorted(found, key=len, reverse=True))


def _mask_pair(m: re.Match[str]) -> str:
    value = m["value"]
    if not is_secret_name(m["name"]) or value in _NOT_VALUES:
        return m[0]
    if m["name"].lower() == "key":  # prose such as "cluster key: image_id" names a lookup key
        before = re.findall(r"[a-z]+", m.string[max(0, m.start() - 24) : m.start()].lower())
        if before and before[-1] in _DATA_KEYS and m.string[m.start() - 1 : m.start()] in " -_":
            return m[0]
    quote = value[0] if value[:1] in "\"'" else ""
    return f"{m['name']}{m['sep']}{quote}{MASK}{quote}"


def may_hold_secret(text: str) -> bool:
    """A cheap test: False means `redact_text` would change nothing in `text` (it tests the
    same markers; most records hold none, so writing them costs one scan)."""
    if len(text) < _MIN_SECRET:
        return False
    if any(s in text for s in _known()):
        return True
    if "sk-" in text or "hf_" in text or "Bearer " in text or "Basic " in text:
        return True
    if "JQQJ9" in text or "://" in text:
        return True
    low = text.lower()  # the Azure context words all contain "key" or "azure"
    return (
        "key" in low or "token" in low or "secret" in low or "passw" in low
        or "authorization" in low or "azure" in low or "subscription" in low
    )


def redact_text(text: str, pairs: bool = True) -> str:
    if len(text) < _MIN_SECRET:
        return text  # too short to hold any secret form below
    for secret in _known():
        if secret in text:
            text = text.replace(secret, MASK)
    for marker, pattern in _KEY_PATTERNS:
        if marker in text:
            text = pattern.sub(MASK, text)
    low = text.lower()
    if len(text) >= 32 and any(c in low for c in _AZURE_CONTEXT):
        text = _AZURE.sub(MASK, text)
    if "://" in text:
        text = _URL_CREDENTIALS.sub(lambda m: m[1] + MASK + "@", text)
    if pairs:
        low = text.lower()
        if "key" in low or "token" in low or "secret" in low or "passw" in low or (
            "authorization" in low
        ):
            text = _PAIR.sub(_mask_pair, text)
    return text


def redact(value: Any) -> Any:
    """`value` with every secret masked (strings, and recursively lists, tuples and dicts;
    a dict entry whose key is a secret name has its whole value masked)."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {
            k: (
                MASK
                if isinstance(v, str) and v and _secret_key(k)
                else redact_text(v, pairs=False)
                if k in _ANSWERS and isinstance(v, str)
                else redact(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [redact(v) for v in value]
    return value


def _secret_key(key: Any) -> bool:
    return isinstance(key, str) and is_secret_name(key)


def redact_argv(argv: Sequence[str]) -> list[str]:
    """A command line without secrets, in every option form: `--api-key X`, `--api-key=X`,
    `--model-option api_key=X`, `--model-option=api_key=X`, URLs with credentials."""
    out: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            out.append(MASK)
            hide_next = False
            continue
        if _KEY_PREFIX.match(arg):  # a bare key-like argument, however short
            out.append(MASK)
            continue
        if arg.startswith("-") and "=" not in arg:
            hide_next = is_secret_name(arg)
            out.append(arg)
            continue
        out.append(_redact_assignment(arg))
    return out


def _redact_assignment(arg: str) -> str:
    """`name=value` (possibly nested: `--model-option=api_key=X`) with secret values masked."""
    name, eq, value = arg.partition("=")
    if not eq or not _OPTION_NAME.match(name):
        return redact_text(arg)  # a URL with a query, free text, ...
    if is_secret_name(name):
        return f"{name}={MASK}"
    return f"{name}={_redact_assignment(value)}"
