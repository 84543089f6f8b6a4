"""What a direct LAN link between two members needs on the wire: TLS 1.3 in which each
side shows its own certificate, issued by the network's LAN authority, and the login
messages both members sign (docs/protocol.md, *LAN discovery and direct links*).

Every member derives the network's LAN authority (an Ed25519 key, from the epoch seed:
:meth:`casebook.core.model.lan_tokens.Key.ca_secret`) and issues itself a short-lived
certificate under it, with a fresh ECDSA P-256 key. What a certificate says of its
authority is a name salted with the advertisement the link answers, and nothing else
(no key identifier, no chain), so a stranger who connects and sees one cannot link it
to another computer, network or hour. Each side requires the other's
certificate to chain to the authority of the network the link is for, so a computer
that holds no recent seed of that network cannot even finish the handshake. The
authority says only "holds the seed"; who the member is, and whether the fold still
counts them in, is proved afterwards by the Ed25519 signatures over both certificates
and both nonces.

Python's ``ssl`` loads certificates only from files: each context is made from a
private temporary folder that is removed as soon as the context holds them.
"""

from __future__ import annotations

import datetime
import hashlib
import ssl
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from casebook.core.model.lan_tokens import Key

LAN_AUTH_DOMAIN = b"casebook/lan-auth/v1\0"
LAN_PROOF_DOMAIN = b"casebook/lan-proof/v1\0"
CERT_LIFETIME = datetime.timedelta(hours=3)
_EPOCH_START = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
_EPOCH_END = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)
PEER_NAME = "casebook-lan-peer"


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


@dataclass(frozen=True)
class Authority:
    """One network's LAN authority at one epoch, under the name it goes by on the links
    to one advertisement."""

    key: ed25519.Ed25519PrivateKey
    cert: x509.Certificate

    @classmethod
    def of(cls, key: Key, salt: bytes) -> Authority:
        """The authority of ``key`` (a network at an epoch) for the links to the
        advertisement with ``salt``. Its name is all a certificate it issues says of it
        (no key identifier): unlinkable across networks, computers and hours."""
        private = ed25519.Ed25519PrivateKey.from_private_bytes(key.ca_secret())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, key.authority_name(salt))])
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(private.public_key())
            .serial_number(1)
            .not_valid_before(_EPOCH_START)
            .not_valid_after(_EPOCH_END)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(cert_sign=True), critical=True)
            .sign(private, None)
        )
        return cls(private, cert)

    @property
    def pem(self) -> bytes:
        return _pem(self.cert)


def _usage(cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


@dataclass(frozen=True)
class Credential:
    """A certificate issued by a network's authority, with its private key (PEM)."""

    cert_pem: bytes
    key_pem: bytes
    der: bytes


def issue(authority: Authority, now: datetime.datetime | None = None) -> Credential:
    """A fresh key and certificate under ``authority``, valid for a few hours."""
    now = now or datetime.datetime.now(datetime.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, PEER_NAME)]))
        .issuer_name(authority.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + CERT_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(cert_sign=False), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .sign(authority.key, None)
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return Credential(_pem(cert), key_pem, cert.public_bytes(serialization.Encoding.DER))


def _context(side: ssl._SSLMethod, own: Credential, trusted: Iterable[Authority]) -> ssl.SSLContext:
    context = ssl.SSLContext(side)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.check_hostname = False
    context.verify_mode = ssl.CERT_REQUIRED
    context.options |= ssl.OP_NO_TICKET
    cadata = b"".join(a.pem for a in trusted).decode("ascii")
    context.load_verify_locations(cadata=cadata)
    with tempfile.TemporaryDirectory(prefix="casebook-lan-") as folder:
        cert_path, key_path = Path(folder) / "cert.pem", Path(folder) / "key.pem"
        # The certificate, then itself again as its "chain": with no chain, OpenSSL would
        # build one from the trust store and send the authority's certificate (its key
        # links every computer of the network) to whoever connects.
        cert_path.write_bytes(own.cert_pem + own.cert_pem)
        key_path.touch(mode=0o600)
        key_path.write_bytes(own.key_pem)
        context.load_cert_chain(cert_path, key_path)
    return context


def client_context(own: Credential, trusted: Iterable[Authority]) -> ssl.SSLContext:
    """For the connecting side: shows ``own``; requires the accepting side's certificate
    to chain to one of ``trusted`` (the network's newest and previous authorities)."""
    return _context(ssl.PROTOCOL_TLS_CLIENT, own, trusted)


def network_context(own: Credential, trusted: Iterable[Authority]) -> ssl.SSLContext:
    """The accepting side's context for one network (chosen by the SNI callback)."""
    return _context(ssl.PROTOCOL_TLS_SERVER, own, trusted)


Chooser = Callable[[str], ssl.SSLContext | None]


def server_context(choose: Chooser, chosen: Callable[[ssl.SSLObject, str], None]) -> ssl.SSLContext:
    """The accepting side's listening context: the client names the advertised token it
    answers (hex, as the TLS server name); ``choose`` gives that network's context (or
    None: the handshake fails) and ``chosen`` hears which connection asked for what.
    A client certificate is required, checked against the chosen network's authorities."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.verify_mode = ssl.CERT_REQUIRED  # kept by the connection when the context switches
    context.options |= ssl.OP_NO_TICKET

    def on_name(connection: ssl.SSLObject, name: str | None, _: ssl.SSLContext) -> int | None:
        target = choose(name or "")
        if target is None:
            return ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
        connection.context = target
        chosen(connection, name or "")
        return None

    context.sni_callback = on_name
    return context


def cert_hash(der: bytes) -> bytes:
    return hashlib.sha256(der).digest()


def auth_message(
    n_accepting: bytes, n_connecting: bytes, cert_a: bytes, cert_b: bytes, net: bytes, b: bytes
) -> bytes:
    """What the connecting member B signs: both nonces, both certificates (DER, as seen
    on this connection), the network and B's own key."""
    return (
        LAN_AUTH_DOMAIN
        + n_accepting
        + n_connecting
        + cert_hash(cert_a)
        + cert_hash(cert_b)
        + net
        + b
    )


def proof_message(
    n_accepting: bytes,
    n_connecting: bytes,
    cert_a: bytes,
    cert_b: bytes,
    net: bytes,
    a: bytes,
    b: bytes,
) -> bytes:
    """What the accepting member A signs in answer: the same, and A's key."""
    return (
        LAN_PROOF_DOMAIN
        + n_accepting
        + n_connecting
        + cert_hash(cert_a)
        + cert_hash(cert_b)
        + net
        + a
        + b
    )
