"""Attacks on the accepting and the connecting side of a direct LAN link, in-process on
127.0.0.1 (no discovery: these attackers know the address and the advertised name, as
anyone on the LAN does). Claims in docs/security.md, *Direct links on the LAN*."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator, Callable
from typing import Any, NamedTuple

import pytest

import lankit
from casebook.core.model.lan_tokens import Key
from casebook.core.profile import Profile
from casebook.protocol import lan, wire
from casebook.relay.server import Relay
from casebook.session.lan import LanService
from casebook.session.lan_discovery import Sighting
from casebook.session.lan_host import LanHost
from casebook.sync.engine import SyncEngine
from casebook.sync.lan_link import Credentials, LanLink, LanPeer
from casebook.sync.link import SyncError
from netkit import join, titles

LOOPBACK = "127.0.0.1"


class Served:
    """Alice's computer accepting LAN links on loopback, her library brought to it."""

    def __init__(self, profile: Profile) -> None:
        self.engine = SyncEngine(profile)
        self.service = LanService(self.engine, profile.directory / "lan")
        self.relay: Relay | None = None

    @property
    def host(self) -> LanHost:
        assert self.service.host is not None
        return self.service.host

    def name(self, net: bytes) -> str:
        return self.host.own_name(net)

    def target(self, net: bytes) -> Target:
        """What anyone on the LAN reads in the advertisement: port, name, salt."""
        return Target(self.port, self.name(net), self.host.salt)

    @property
    def port(self) -> int:
        assert self.relay is not None
        return self.relay.port

    async def start(self, net: bytes) -> None:
        self.service.current(None)
        self.relay = await self.service.start_relay(LOOPBACK)
        await sync_via(self.engine, self.service, net, self.target(net), own=True)

    async def close(self) -> None:
        if self.relay is not None:
            await self.relay.close()
        self.engine.close()


class Target(NamedTuple):
    port: int
    name: str
    salt: bytes


async def sync_via(
    engine: SyncEngine, service: LanService, net: bytes, to: Target, own: bool = False
) -> Any:
    service.current(None)
    peer = LanPeer(LOOPBACK, to.port, b"", to.name)
    return await engine.sync(
        net,
        peer,
        opener=lambda: service.open_link(net, (LOOPBACK,), to.port, to.name, to.salt, own),
    )


@contextlib.asynccontextmanager
async def served(profile: Profile, net: bytes) -> AsyncIterator[Served]:
    alice = Served(profile)
    try:
        await alice.start(net)
        yield alice
    finally:
        await alice.close()


def _keys(profile: Profile, net: bytes) -> list[Key]:
    engine = SyncEngine(profile)
    try:
        return [Key(net, e, s) for e, s in engine.store.lan_keys(net)]
    finally:
        engine.close()


def _credentials(keys: list[Key], salt: bytes, check_server: bool = True) -> Credentials:
    """A certificate under ``keys``' authority for the advertisement with ``salt``; an
    attacker would not bother checking the accepting side's certificate
    (``check_server``)."""
    authorities = [lan.Authority.of(k, salt) for k in keys]
    own = lan.issue(authorities[0])
    context = lan.client_context(own, authorities)
    if not check_server:
        context.verify_mode = ssl.CERT_NONE
    return Credentials(context, own.der)


async def _login_as(profile: Profile, net: bytes, keys: list[Key], to: Target) -> dict[str, Any]:
    """``profile``'s identity logging in with certificates made from ``keys`` (which
    an attacker might hold: a leaked or an old seed), judging nobody."""
    peer = LanPeer(LOOPBACK, to.port, b"", to.name)
    credentials = _credentials(keys, to.salt, check_server=False)
    link = await LanLink.open_peer(peer, credentials, lambda n, k: True)
    try:
        return await link.login(profile.identity, net, {})
    finally:
        await link.close()


@pytest.fixture
def circle(make_profile: Callable[..., Profile]) -> tuple[Profile, Profile, Profile, bytes]:
    alice, bob, carol = (
        make_profile("Dr. Alice Moreau"),
        make_profile("Dr. Bob Okafor"),
        make_profile("Dr. Carol Lind"),
    )
    net = alice.library.create_network("Cardiology Circle", alice.name)
    join(bob, alice, net)
    join(carol, alice, net)
    alice.library.post_case(net, title="Syncope after exertion", body="A 24-year-old athlete.")
    return alice, bob, carol, net


def test_a_member_syncs_over_a_direct_link(circle: tuple[Profile, ...]) -> None:
    alice, bob, _, net = circle

    async def go() -> None:
        async with served(alice, net) as a:
            service = LanService(SyncEngine(bob), bob.directory / "lan")
            report = await sync_via(service.engine, service, net, a.target(net))
            service.engine.close()
            assert report.error is None and report.received > 0

    asyncio.run(go())
    assert "Syncope after exertion" in titles(bob)


def test_an_outsider_cannot_finish_the_handshake(
    circle: tuple[Profile, ...], make_profile: Callable[..., Profile]
) -> None:
    alice, _, _, net = circle
    dave = make_profile("Dave Outsider")
    own = dave.library.create_network("Dave's own", dave.name)

    async def go() -> None:
        async with served(alice, net) as a:
            with pytest.raises(SyncError) as refused:
                # His own network's authority, Alice's advertised name for hers.
                await _login_as(dave, net, _keys(dave, own), a.target(net))
            assert refused.value.code in ("closed", "impersonation")
            assert a.relay is not None and not a.relay.members.get(net)

    asyncio.run(go())
    assert titles(dave) == []


def test_holding_a_seed_is_not_enough_the_fold_decides(
    circle: tuple[Profile, ...], make_profile: Callable[..., Profile]
) -> None:
    """An outsider with a leaked current seed, and a removed member with the seed they
    had (still accepted by TLS for colleagues one rotation behind), pass the handshake
    and are refused at the login: no lan_proof, so they learn no member key."""
    alice, _, carol, net = circle
    old_keys = _keys(carol, net)
    alice.governance.remove(net, "Carol")
    dave = make_profile("Dave Outsider")
    leaked = _keys(alice, net)
    assert leaked[0].epoch > old_keys[0].epoch

    async def go() -> None:
        async with served(alice, net) as a:
            for who, keys in ((dave, leaked), (carol, old_keys), (carol, leaked)):
                with pytest.raises(SyncError) as refused:
                    await _login_as(who, net, keys, a.target(net))
                assert refused.value.code == "denied"
            assert a.relay is not None and not a.relay.members.get(net)

    asyncio.run(go())
    assert "Syncope after exertion" not in titles(dave)


def test_a_login_replayed_on_another_connection_is_refused(circle: tuple[Profile, ...]) -> None:
    alice, bob, _, net = circle
    captured: list[dict[str, Any]] = []

    class Recording(LanLink):
        def send(self, message: dict[str, Any]) -> None:
            if message["t"] == "lan_auth":
                captured.append(message)
            super().send(message)

    async def go() -> None:
        async with served(alice, net) as a:
            keys = _keys(bob, net)
            peer = LanPeer(LOOPBACK, a.port, b"", a.name(net))
            salt = a.host.salt
            first = await Recording.open_peer(peer, _credentials(keys, salt), lambda n, k: True)
            await first.login(bob.identity, net, {})
            await first.close()
            # Eve, holding the seed but not Bob's key, replays his lan_auth.
            second = await LanLink.open_peer(peer, _credentials(keys, salt), lambda n, k: True)
            second.send(captured[0])
            with pytest.raises(SyncError) as refused:
                await second.recv()
            await second.close()
            assert refused.value.code == "denied"

    asyncio.run(go())


def test_a_computer_that_is_not_a_member_cannot_pose_as_one(
    circle: tuple[Profile, ...], make_profile: Callable[..., Profile]
) -> None:
    """Eve holds a leaked seed and runs an accepting side with her own key: Bob's link
    refuses her proof (not a member by his fold) before sending his vector."""
    alice, bob, _, net = circle
    eve = make_profile("Eve Intruder")
    leaked = _keys(alice, net)

    async def go() -> None:
        async with served(alice, net):
            pass  # Alice's relay storage now holds the network (ciphertext)
        engine = SyncEngine(alice)
        # Eve runs a relay on a copy of that storage, with her own key and the seed.
        service = LanService(engine, alice.directory / "lan")
        service.host = LanHost(eve.identity, {net: leaked})
        relay = await service.start_relay(LOOPBACK)
        try:
            name = service.host.own_name(net)
            bob_service = LanService(SyncEngine(bob), bob.directory / "lan")
            with pytest.raises(SyncError) as refused:
                to = Target(relay.port, name, service.host.salt)
                await sync_via(bob_service.engine, bob_service, net, to)
            bob_service.engine.close()
            assert refused.value.code == "impersonation"
        finally:
            await relay.close()
            engine.close()

    asyncio.run(go())
    assert "Syncope after exertion" not in titles(bob)


def test_the_accepting_side_caps_a_frame_before_reading_it(circle: tuple[Profile, ...]) -> None:
    alice, bob, _, net = circle

    async def go() -> None:
        async with served(alice, net) as a:
            credentials = _credentials(_keys(bob, net), a.host.salt)
            reader, writer = await asyncio.open_connection(
                LOOPBACK, a.port, ssl=credentials.context, server_hostname=a.name(net)
            )
            await wire.read_frame(reader, 5)  # the hello
            writer.write((64 * 1024 * 1024).to_bytes(4, "big"))  # a 64 MiB login frame
            await writer.drain()
            answer = await wire.read_frame(reader, 5)
            assert answer["t"] == "error" and answer["code"] == "too-large"
            assert await reader.read() == b""  # and closed
            writer.close()

    asyncio.run(go())


def test_a_name_for_another_network_gets_no_certificate(circle: tuple[Profile, ...]) -> None:
    alice, bob, _, net = circle

    async def go() -> None:
        async with served(alice, net) as a:
            credentials = _credentials(_keys(bob, net), a.host.salt)
            with pytest.raises((ssl.SSLError, ConnectionError)):
                await asyncio.open_connection(
                    LOOPBACK, a.port, ssl=credentials.context, server_hostname="00" * 8
                )

    asyncio.run(go())


def test_an_attachment_comes_on_demand_from_a_colleague_s_computer(
    make_profile: Callable[..., Profile],
) -> None:
    """No relay at all: the attachment a case names is fetched, when opened, from the
    computer of a colleague that has it, checked against its hash and stored."""
    from casebook.core.library import attachments

    alice, bob, net = lankit.pair(make_profile)
    data = b"%PDF-1.4 12-lead ECG, deep T-wave inversion V4-V6 " * 2000
    item = attachments.prepare_bytes("ecg.pdf", data)
    alice.library.post_case(net, title="Syncope after exertion", files=[item])

    async def go() -> None:
        async with served(alice, net) as a:  # her own link uploads what she attached
            service = LanService(SyncEngine(bob), bob.directory / "lan")
            await sync_via(service.engine, service, net, a.target(net))
            assert not attachments.has(bob.db, item.hash)

            async def nearby(wanted: bytes) -> list[Any]:
                assert wanted == net
                peer = LanPeer(LOOPBACK, a.port, b"", a.name(net))
                to = a.target(net)
                return [
                    (peer, lambda: service.open_link(net, (LOOPBACK,), to.port, to.name, to.salt))
                ]

            with pytest.raises(SyncError):  # no relay, nobody nearby: one clear refusal
                await service.engine.fetch_attachment(item.hash)
            await service.engine.fetch_attachment(item.hash, nearby)
            service.engine.close()

    asyncio.run(go())
    assert attachments.read(bob.db, item.hash) == data


def test_a_stranger_who_connects_learns_nothing_from_the_certificates(
    circle: tuple[Profile, ...],
) -> None:
    """Anyone can connect with an advertised name and see the accepting side's
    certificate. It must not tell two computers of one network apart from two of
    different networks, nor a computer from itself an advertisement later: no key
    identifier, an authority name salted per advertisement, and no authority
    certificate sent along."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    alice, bob, _, net = circle

    async def shown(to: Target) -> list[x509.Certificate]:
        stranger = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        stranger.check_hostname, stranger.verify_mode = False, ssl.CERT_NONE
        _, writer = await asyncio.open_connection(
            LOOPBACK, to.port, ssl=stranger, server_hostname=to.name
        )
        tls_object = writer.get_extra_info("ssl_object")
        chain = tls_object._sslobj.get_unverified_chain()  # what was sent, in order
        writer.close()
        return [x509.load_pem_x509_certificate(c.public_bytes().encode()) for c in chain]

    async def go() -> list[list[x509.Certificate]]:
        async with served(alice, net) as a, served(bob, net) as b:
            first = [await shown(a.target(net)), await shown(b.target(net))]
            a.service.host = None  # Alice's next advertisement: new salt, new certificate
            a.service.current(None)
            return [*first, await shown(a.target(net))]

    seen = asyncio.run(go())
    issuers = [chain[0].issuer.rfc4514_string() for chain in seen]
    assert len(set(issuers)) == 3
    for chain in seen:
        assert {c.subject.rfc4514_string() for c in chain} == {"CN=casebook-lan-peer"}
        for cert in chain:
            oids = {e.oid for e in cert.extensions}
            assert x509.oid.ExtensionOID.AUTHORITY_KEY_IDENTIFIER not in oids
            assert x509.oid.ExtensionOID.SUBJECT_KEY_IDENTIFIER not in oids
    authority = lan.Authority.of(_keys(alice, net)[0], bytes(8)).cert.public_key()
    raw = authority.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    for chain in seen:
        for cert in chain:
            assert raw not in cert.public_bytes(serialization.Encoding.DER)


def test_a_live_link_is_cut_once_our_fold_removes_the_colleague(
    circle: tuple[Profile, ...],
) -> None:
    """Bob is live with Carol's computer; Carol's removal reaches Bob another way (her
    computer has not heard of it): Bob's side cuts the link."""
    from netkit import deliver

    alice, bob, carol, net = circle
    deliver(alice, carol, net)
    deliver(alice, bob, net)

    async def go() -> SyncError:
        async with served(carol, net) as c:
            service = LanService(SyncEngine(bob), bob.directory / "lan")
            service.current(None)
            to = c.target(net)
            sighting = Sighting("carol.example", (LOOPBACK,), to.port, to.salt, b"", 0.0)
            stop = asyncio.Event()
            linked = asyncio.create_task(
                service._sync(net, sighting, to.name, watch=True, stop=stop)
            )
            for _ in range(200):
                if service.peers and next(iter(service.peers.values())).state == "live":
                    break
                await asyncio.sleep(0.05)
            assert next(iter(service.peers.values())).state == "live"
            alice.governance.remove(net, "Carol")
            deliver(alice, bob, net)  # by a bundle, a relay or another colleague
            try:
                with pytest.raises(SyncError) as cut:
                    await asyncio.wait_for(linked, 20)
            finally:
                stop.set()
                service.engine.close()
            return cut.value

    assert asyncio.run(go()).code == "removed"
