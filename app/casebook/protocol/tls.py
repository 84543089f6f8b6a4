"""TLS for sync links: the relay's self-signed certificate, pinned by fingerprint.

There is no certificate authority. The relay makes an ECDSA P-256 key and a self-signed
certificate on first start; its identity is the SHA-256 of that certificate (DER), which
travels in relay URLs and invite codes. Clients accept exactly that certificate: the
handshake is TLS 1.3 only, the chain is not checked against any store, and the
fingerprint is compared after the handshake, before a single byte is sent.
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import hmac
import os
import ssl
from asyncio import sslproto
from pathlib import Path
from typing import cast

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from casebook.store.files import atomic_write

KEY_FILE = "relay-key.pem"
CERT_FILE = "relay-cert.pem"


class PinMismatch(Exception):
    """The peer showed a certificate other than the pinned one."""


def cert_fingerprint(der: bytes) -> bytes:
    return hashlib.sha256(der).digest()


def ensure_certificate(directory: Path) -> tuple[Path, Path, bytes]:
    """The relay's key and certificate files (made on first use) and the fingerprint."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    key_path, cert_path = directory / KEY_FILE, directory / CERT_FILE
    if not (key_path.exists() and cert_path.exists()):
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "casebook-relay")])
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365 * 30))
            .sign(key, hashes.SHA256())
        )
        atomic_write(
            key_path,
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
            mode=0o600,
        )
        atomic_write(cert_path, cert.public_bytes(serialization.Encoding.PEM), mode=0o644)
    der = x509.load_pem_x509_certificate(cert_path.read_bytes()).public_bytes(
        serialization.Encoding.DER
    )
    return key_path, cert_path, cert_fingerprint(der)


def server_context(key_path: Path, cert_path: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.load_cert_chain(cert_path, key_path)
    context.options |= ssl.OP_NO_TICKET  # no session state kept per client
    return context


async def start_tls(
    writer: asyncio.StreamWriter,
    context: ssl.SSLContext,
    tls_protocol: type[sslproto.SSLProtocol],
) -> None:
    """``writer.start_tls(context)`` on the server side of a plain connection, with its
    TLS run by ``tls_protocol``: asyncio's ``SSLProtocol`` or a subclass of it (say, one
    with a smaller ``max_size``, the receive buffer each connection keeps), for this
    connection alone. Other TLS in the process keeps asyncio's own.

    The steps are those of asyncio's ``StreamWriter.start_tls`` and ``loop.start_tls``,
    which construct ``SSLProtocol`` itself and so leave no other way to choose it."""
    loop = asyncio.get_running_loop()
    plain = cast(asyncio.Transport, writer.transport)  # a TCP connection's
    stream = plain.get_protocol()
    await writer.drain()
    waiter: asyncio.Future[None] = loop.create_future()
    secure = tls_protocol(
        loop, stream, context, waiter, server_side=True, call_connection_made=False
    )
    plain.pause_reading()  # nothing is read before the TLS layer is in place
    plain.set_protocol(secure)
    made = loop.call_soon(secure.connection_made, plain)
    resumed = loop.call_soon(plain.resume_reading)
    try:
        await waiter
    except BaseException:
        plain.close()
        made.cancel()
        resumed.cancel()
        raise
    transport = secure._app_transport
    if transport is None:  # the peer left as the handshake completed
        raise ConnectionResetError("the connection was lost during the TLS handshake")
    writer._transport = transport  # type: ignore[attr-defined]  # private, as in start_tls
    # The stream protocol learns of its new transport: 3.12+ by the first, 3.11 the second.
    if hasattr(stream, "_replace_transport"):
        stream._replace_transport(transport)
    else:
        stream._replace_writer(writer)  # type: ignore[attr-defined]  # 3.11: not in typeshed


def client_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    # The certificate is checked by its pinned fingerprint below, not against a CA store.
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


async def connect(
    host: str, port: int, pinned: bytes, timeout: float
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Open a TLS link and check the relay's certificate against ``pinned``.

    Raises :class:`PinMismatch` (link closed) when it differs, OSError or TimeoutError
    when the relay cannot be reached."""
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(host, port, ssl=client_context(), limit=2**16),
        timeout,
    )
    seen = peer_fingerprint(writer)
    if seen is None or not hmac.compare_digest(seen, pinned):
        writer.close()
        raise PinMismatch(f"{host}:{port}")
    return reader, writer


def peer_fingerprint(writer: asyncio.StreamWriter) -> bytes | None:
    """The SHA-256 of the certificate the peer showed, or None without TLS."""
    ssl_object = writer.get_extra_info("ssl_object")
    der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
    return None if der is None else cert_fingerprint(der)


def random_nonce(size: int) -> bytes:
    return os.urandom(size)
