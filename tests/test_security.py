"""The secret key, signed values and pseudonyms (bot/security.py)."""

from __future__ import annotations

import multiprocessing
import stat

from bot import security


def _create(path: str) -> bytes:
    return security.create_key_file(__import__("pathlib").Path(path))


def test_processes_starting_together_all_read_the_same_complete_key(tmp_path):
    """The key file appears complete or not at all: a second process never reads it empty."""
    for attempt in range(5):
        path = tmp_path / f"round-{attempt}" / "secret_key"
        with multiprocessing.get_context("fork").Pool(8) as pool:
            keys = pool.map(_create, [str(path)] * 16)
        assert len(set(keys)) == 1 and len(keys[0]) == 64
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary file left


def test_session_tokens_are_signed_and_bound_to_the_key(monkeypatch):
    import os

    token = security.issue_session_token()
    session = security.session_from_token(token)
    assert session and token.startswith(session + ".")
    original = os.environ["GOCLUSTER_SECRET_KEY"]
    monkeypatch.setenv("GOCLUSTER_SECRET_KEY", "another-key-entirely")
    assert security.session_from_token(token) is None  # a rotated key ends old sessions
    monkeypatch.setenv("GOCLUSTER_SECRET_KEY", original)
    assert security.session_from_token(token) == session


def test_pseudonyms_and_derived_secrets_are_stable_and_distinct():
    assert security.pseudonym("192.0.2.1", "client") == security.pseudonym("192.0.2.1", "client")
    assert security.pseudonym("192.0.2.1", "client") != security.pseudonym("192.0.2.2", "client")
    assert "192" not in security.pseudonym("192.0.2.1", "client")
    assert security.derived_secret("action-server") != security.derived_secret("telegram-webhook")
