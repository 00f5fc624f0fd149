"""Files and batches endpoints of the fake OpenAI server (`openai_server.FakeOpenAI`).

Upload, retrieve and download files; create, retrieve and cancel batches. A batch stays
"in_progress" until it has been retrieved `fake.batch_polls` times, then runs every line
through the fake's chat completion at once. `fake.batch_fail_ids` sends lines to the error
file; `fake.batch_expire` ends the batch "expired" with only half of its lines done;
`fake.batch_fail_all` ends it "failed" as a whole, with errors and no output file.
"""

from __future__ import annotations

import json
import time
from email.parser import BytesParser
from email.policy import HTTP
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the server module imports this one
    from tests.support.openai_server import FakeOpenAI, _Handler


def file_obj(f: dict[str, Any]) -> dict[str, Any]:
    """The file object as the API returns it: everything but the content."""
    return {k: v for k, v in f.items() if k != "content"}


def _public(batch: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in batch.items() if not k.startswith("_")}


def add_file(
    fake: FakeOpenAI, rows: list[dict[str, Any]], purpose: str, name: str = "out.jsonl"
) -> str:
    fid = fake.next_id("file")
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    fake.files[fid] = {
        "id": fid,
        "object": "file",
        "bytes": len(data),
        "created_at": int(time.time()),
        "filename": name,
        "purpose": purpose,
        "status": "processed",
        "content": data,
    }
    return fid


def run_batch(fake: FakeOpenAI, batch: dict[str, Any]) -> None:
    lines = fake.files[batch["input_file_id"]]["content"].decode().splitlines()
    if fake.batch_fail_all:  # validation of the whole input failed: no output at all
        batch["status"] = "failed"
        batch["errors"] = {
            "object": "list",
            "data": [{"code": "invalid_request", "message": "injected batch failure"}],
        }
        return
    reqs = [json.loads(line) for line in lines if line.strip()]
    if fake.batch_expire:
        reqs = reqs[: len(reqs) // 2]
    out, err = [], []
    for req in reqs:
        cid = req["custom_id"]
        if cid in fake.batch_fail_ids:
            err.append(
                {
                    "id": fake.next_id("batch_req"),
                    "custom_id": cid,
                    "response": None,
                    "error": {"code": "server_error", "message": "injected failure"},
                }
            )
            continue
        fake.counts["batch_line"] += 1
        out.append(
            {
                "id": fake.next_id("batch_req"),
                "custom_id": cid,
                "error": None,
                "response": {
                    "status_code": 200,
                    "request_id": fake.next_id("req"),
                    "body": fake.completion(req["body"]),
                },
            }
        )
    batch["output_file_id"] = add_file(fake, out, "batch_output")
    batch["error_file_id"] = add_file(fake, err, "batch_output") if err else None
    batch["status"] = "expired" if fake.batch_expire else "completed"
    batch["request_counts"] = {"total": len(lines), "completed": len(out), "failed": len(err)}


# ---- routes (called by the server's request handler) ---------------------------
def handle_post(h: _Handler, path: str, raw: bytes) -> bool:
    """Answer a POST to a files or batches route; False when the path is none of them."""
    if path.endswith("/files"):
        _upload(h, raw)
    elif path.endswith("/batches"):
        _create_batch(h, json.loads(raw))
    elif "/batches/" in path and path.endswith("/cancel"):
        batch = h.fake.batches[path.split("/")[-2]]
        batch["status"] = "cancelled"
        h._send(200, _public(batch))
    else:
        return False
    return True


def _page(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"object": "list", "data": items, "has_more": False}


def handle_get_batch(h: _Handler, parts: list[str]) -> bool:
    """Answer a GET of the batch list, or of one batch (each one counts as a poll); False
    for other paths."""
    if parts[-1:] == ["batches"]:
        h._send(200, _page([_public(b) for b in h.fake.batches.values()]))
        return True
    if "batches" not in parts:
        return False
    h._log("batch_get", None)
    batch = h.fake.batches.get(parts[-1])
    if batch is None:
        h._send(404, {"error": {"message": "no such batch"}})
        return True
    batch["_polls"] += 1
    if batch["status"] in ("validating", "in_progress"):
        batch["status"] = "in_progress"
        if batch["_polls"] >= h.fake.batch_polls:
            h.fake.run_batch(batch)
    h._send(200, _public(batch))
    return True


def handle_get_file(h: _Handler, parts: list[str]) -> bool:
    """Answer a GET of a file's object or content; False for other paths."""
    if "files" in parts and parts[-1] == "content":
        h._log("file_content", None)
        h._send(200, h.fake.files[parts[-2]]["content"])
    elif parts[-1:] == ["files"]:
        h._send(200, _page([file_obj(f) for f in h.fake.files.values()]))
    elif "files" in parts:
        h._send(200, file_obj(h.fake.files[parts[-1]]))
    else:
        return False
    return True


def _create_batch(h: _Handler, body: dict[str, Any]) -> None:
    h._log("batch_create", body)
    bid = h.fake.next_id("batch")
    batch = {
        "id": bid,
        "object": "batch",
        "endpoint": body["endpoint"],
        "errors": None,
        "input_file_id": body["input_file_id"],
        "completion_window": body["completion_window"],
        "status": "validating",
        "created_at": int(time.time()),
        "output_file_id": None,
        "error_file_id": None,
        "metadata": body.get("metadata"),
        "_polls": 0,
        "request_counts": {"total": 0, "completed": 0, "failed": 0},
    }
    h.fake.batches[bid] = batch
    h._send(200, _public(batch))


def _upload(h: _Handler, raw: bytes) -> None:
    head = f"Content-Type: {h.headers['Content-Type']}\r\n\r\n".encode()
    msg = BytesParser(policy=HTTP).parsebytes(head + raw)
    fields: dict[str, Any] = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        fields[str(name)] = (part.get_filename(), part.get_payload(decode=True))
    h._log("file_upload", {"purpose": fields["purpose"][1].decode()})
    fname, content = fields["file"]
    fid = h.fake.next_id("file")
    h.fake.files[fid] = {
        "id": fid,
        "object": "file",
        "bytes": len(content),
        "created_at": int(time.time()),
        "filename": fname or "upload.jsonl",
        "purpose": fields["purpose"][1].decode(),
        "status": "processed",
        "content": content,
    }
    h._send(200, file_obj(h.fake.files[fid]))
