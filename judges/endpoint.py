"""What the engine needs to know about the HTTP side: the response class of the HTTP library
the installed openai SDK uses, and what an OpenAI-compatible server says about itself."""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def http_response_type() -> type:
    """The response class of the HTTP library the installed openai SDK uses (httpx2 in
    recent releases, httpx before): `client.post(..., cast_to=it)` returns it unparsed."""
    import importlib

    import openai

    for name in ("httpx2", "httpx"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if issubclass(openai.DefaultAsyncHttpxClient, module.AsyncClient):
            response: type = module.Response
            return response
    raise RuntimeError("cannot tell which HTTP library the openai package uses")


def ask_server(base_url: str, model: str, key: str | None) -> dict[str, Any]:
    import httpx

    info: dict[str, Any] = {}
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    try:
        with httpx.Client(timeout=3.0, headers=headers) as http:
            version = http.get(base_url.rsplit("/v1", 1)[0] + "/version")
            if version.status_code == 200:
                info["server_version"] = version.json().get("version")
            models = http.get(base_url + "/models")
            if models.status_code == 200:
                for entry in models.json().get("data") or []:
                    if isinstance(entry, dict) and entry.get("id") == model:
                        info["model_root"] = entry.get("root")
                        info["max_model_len"] = entry.get("max_model_len")
    except (httpx.HTTPError, ValueError, AttributeError):
        pass  # a record, not a requirement
    return {k: v for k, v in info.items() if v is not None}
