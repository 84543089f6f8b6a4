"""The headless application session, driven as the CLI drives it: one ``asyncio.run``
per step, against a real relay on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

import pytest

from casebook.core.library import attachments
from casebook.core.profile import Profile
from casebook.errors import UsageError
from casebook.session import Session
from relaykit import RunningRelay


def _taken_port() -> tuple[socket.socket, int]:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    return holder, holder.getsockname()[1]


def test_sync_once_then_status_says_when_it_last_synced(
    alice: Profile, relays: Callable[..., RunningRelay]
) -> None:
    relay = relays()
    net = alice.library.create_network("Cardiology Circle", alice.name, relays=[relay.url])
    alice.library.post_case(net, title="Syncope in a runner")
    session = Session.over(alice)
    try:
        before = asyncio.run(session.relay_status())  # the relay learns of it on a first push
        assert [(r["last_sync"], r["reachable"]) for r in before] == [(None, False)]
        assert "does not host that network" in str(before[0]["error"])

        reports = asyncio.run(session.sync_once())
        assert [(r.relay, r.error) for r in reports] == [(relay.url, None)] and reports[0].sent

        after = asyncio.run(session.relay_status())
        assert after[0]["last_sync"] is not None and after[0]["last_error"] is None
        assert after[0]["to_send"] == 0 and after[0]["relay"] == relay.url
    finally:
        session.close_engine()


def test_an_attachment_not_here_is_fetched_from_the_relay(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay], tmp_path
) -> None:
    relay = relays()
    alice, bob = make_profile("Dr. Alice Moreau"), make_profile("Dr. Bob Lee", "bob")
    net = alice.library.create_network("Cardiology Circle", alice.name, relays=[relay.url])
    note = tmp_path / "ecg.txt"
    note.write_text("sinus rhythm, 72/min")
    prepared = attachments.prepare(note)
    alice.library.post_case(net, title="An ECG", files=[prepared])
    code = alice.invitations.create(net).code
    sessions = [Session.over(alice), Session.over(bob)]
    try:
        asyncio.run(sessions[0].sync_once())
        asyncio.run(sessions[1].join_code(bob.invitations.read_code(code), bob.name, watch=False))
        assert not attachments.has(bob.db, prepared.hash)
        data = asyncio.run(sessions[1].attachment_data(prepared.hash))
        assert data == prepared.data and attachments.has(bob.db, prepared.hash)
        assert sessions[1]._watching is None  # the CLI's session never watches on its own
    finally:
        for session in sessions:
            session.close_engine()


def test_hosting_on_a_taken_port_is_a_clear_error_and_nothing_is_remembered(
    alice: Profile,
) -> None:
    alice.library.create_network("Cardiology Circle", alice.name)
    session = Session.over(alice)
    holder, port = _taken_port()
    try:
        with pytest.raises(UsageError, match=f"127.0.0.1:{port}"):
            asyncio.run(session.host(port, "clinic.example", listen="127.0.0.1"))
        assert session.relay is None
        assert alice.settings.get("host_relay") is None
    finally:
        holder.close()
        session.close_engine()


def test_the_relay_command_on_a_taken_port_says_so_calmly(cli) -> None:
    assert cli("init", "--name", "Dr. Alice Moreau").code == 0
    made = cli("--json", "network", "create", "Cardiology Circle").json
    holder, port = _taken_port()
    try:
        result = cli("relay", "host", "--network", made["id"][:8], "--listen", f"127.0.0.1:{port}")
    finally:
        holder.close()
    assert result.code == 2, result.err
    assert f"cannot host the relay on 127.0.0.1:{port}" in result.err
    assert "Traceback" not in result.err and result.err.count("\n") == 1
