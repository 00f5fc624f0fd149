"""The pieces of a run's identity: digests of checkpoints, libraries, samples and failures."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from eval_mm.core.model import GenerationConfig
from eval_mm.core.sample import Sample, user_turn
from eval_mm.failures import classify
from eval_mm.identity import (
    digest,
    folder_fingerprint,
    gold_digest,
    messages_digest,
    model_identity,
)
from eval_mm.models import resolve_model
from tests.conftest import ROOT, cli_env, run_cli
from tests.models.conftest import tiny_models  # noqa: F401  (fixture)
from tests.tasks.synthetic_common import solid


def _checkpoint(root: Path) -> Path:
    root.mkdir()
    (root / "config.json").write_text('{"hidden_size": 8}', encoding="utf-8")
    (root / "model.safetensors").write_bytes(b"\x00" * 64)
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref", encoding="utf-8")
    return root


def test_a_local_checkpoint_changes_identity_with_its_config_or_weights(tmp_path: Path) -> None:
    ckpt = _checkpoint(tmp_path / "ckpt")
    base = folder_fingerprint(ckpt)["digest"]
    (ckpt / ".git" / "HEAD").write_text("other", encoding="utf-8")
    assert folder_fingerprint(ckpt)["digest"] == base  # git metadata is not the model
    (ckpt / "config.json").write_text('{"hidden_size": 9}', encoding="utf-8")
    changed_config = folder_fingerprint(ckpt)["digest"]
    assert changed_config != base
    st = (ckpt / "model.safetensors").stat()
    os.utime(ckpt / "model.safetensors", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert folder_fingerprint(ckpt)["digest"] != changed_config  # new weights written


def test_library_versions_are_part_of_the_model_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    from eval_mm import identity

    model = resolve_model("oracle")
    model.output_libraries = ("transformers",)  # type: ignore[misc]
    gen = GenerationConfig()
    monkeypatch.setattr(identity.metadata, "version", lambda name: "4.57.1")
    old = digest(model_identity(model, gen))
    monkeypatch.setattr(identity.metadata, "version", lambda name: "5.0.0")
    new = model_identity(model, gen)
    assert new["libraries"] == {"transformers": "5.0"} and digest(new) != old
    assert digest(model_identity(model, gen.updated(max_new_tokens=256))) != digest(new)


def test_the_messages_digest_sees_text_and_pixels() -> None:
    a = Sample("1", user_turn("質問", [solid(0)]), ["答え"])
    assert messages_digest(a) == messages_digest(Sample("1", user_turn("質問", [solid(0)]), ["別"]))
    assert messages_digest(a) != messages_digest(Sample("1", user_turn("質問 ", [solid(0)]), []))
    assert messages_digest(a) != messages_digest(Sample("1", user_turn("質問", [solid(1)]), []))
    assert gold_digest(a) != gold_digest(Sample("1", user_turn("質問", [solid(0)]), ["別"]))


class _Status(Exception):
    def __init__(self, status: int, code: str | None = None) -> None:
        self.status_code = status
        self.body = {"code": code} if code else None


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (_Status(401), "fatal"),
        (_Status(403), "fatal"),
        (_Status(404), "fatal"),
        (_Status(429, "insufficient_quota"), "fatal"),
        (_Status(429), "transient"),
        (_Status(500), "transient"),
        (_Status(503), "transient"),
        (_Status(400), "permanent"),
        (TimeoutError(), "transient"),
        (RuntimeError("model crashed"), "permanent"),
    ],
)
def test_failure_kinds(exc: BaseException, kind: str) -> None:
    assert classify(exc) == kind


@pytest.mark.slow
def test_new_weights_in_the_same_folder_are_a_new_run(
    tiny_models: dict[str, Path], tmp_path: Path  # noqa: F811
) -> None:
    """A local checkpoint overwritten in place (new weights, same path) is not resumed."""
    ckpt = tmp_path / "ckpt"
    shutil.copytree(tiny_models["llava"], ckpt)
    out = tmp_path / "results"
    args = ["run", "--model", str(ckpt), "--task", "tiny-mm", "-o", str(out),
            "--max-new-tokens", "3", "--no-progress"]
    from tests.models.conftest import run_tiny_cli

    assert run_tiny_cli(*args).returncode == 0
    weights = next(ckpt.glob("*.safetensors"))
    weights.write_bytes(weights.read_bytes())  # rewritten: a new modification time
    proc = run_tiny_cli(*args)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(list(out.rglob("run.json"))) == 2


def test_lock_refuses_a_second_process_and_is_freed_by_death(tmp_path: Path) -> None:
    import subprocess
    import sys

    from eval_mm.errors import UserError
    from eval_mm.lock import RunLock

    code = (
        "import sys, time; from pathlib import Path; from eval_mm.lock import RunLock;"
        f"RunLock(Path({str(tmp_path)!r})).acquire(); print('held', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, env=cli_env(), stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(UserError, match=f"PID {holder.pid} on host"):
            RunLock(tmp_path).acquire()
    finally:
        holder.kill()
        holder.wait()
    with RunLock(tmp_path), RunLock(tmp_path):  # a dead holder's lock is free; re-entrant
        pass
    assert run_cli("--version").returncode == 0
