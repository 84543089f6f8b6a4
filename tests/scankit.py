"""Reading every byte a profile's database holds, as an attacker with its key would:
each page of the SQLCipher file (in use or on the freelist) and of its write-ahead log,
decrypted, so a test can look for what must be gone (issue 17: nothing left behind).

SQLCipher 4's page format (its documented defaults, which Casebook uses with a raw key):
AES-256-CBC over each page but its last 80 bytes (a 16-byte IV, then a 64-byte
HMAC-SHA512); the first page starts with the file's 16-byte salt instead of the SQLite
header. The key is the profile's (derived from its passphrase, as the app does).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from casebook.core.profile import HEADER
from casebook.store import kdf

RESERVE = 80
WAL_HEADER, FRAME_HEADER = 32, 24


def database_key(directory: Path, passphrase: str) -> tuple[Path, bytes, int]:
    header = json.loads((directory / HEADER).read_text("utf-8"))
    key = kdf.derive_key(passphrase, kdf.KdfParams.from_json(header["kdf"]))
    return directory / header["database"], key, int(header["page_size"])


def _decrypt(page: bytes, key: bytes, first: bool) -> bytes:
    size = len(page)
    start = 16 if first else 0
    iv = page[size - RESERVE : size - RESERVE + 16]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(page[start : size - RESERVE]) + decryptor.finalize()


def pages(database: Path, key: bytes, page_size: int) -> Iterator[bytes]:
    """Every page of the database file and of its WAL, decrypted."""
    data = database.read_bytes()
    for offset in range(0, len(data), page_size):
        page = data[offset : offset + page_size]
        if len(page) == page_size and page.strip(b"\0"):
            yield _decrypt(page, key, first=offset == 0)
    wal = Path(str(database) + "-wal")
    if wal.exists():
        log = wal.read_bytes()
        frame = FRAME_HEADER + page_size
        for offset in range(WAL_HEADER, len(log) - frame + 1, frame):
            number = int.from_bytes(log[offset : offset + 4], "big")
            page = log[offset + FRAME_HEADER : offset + frame]
            yield _decrypt(page, key, first=number == 1)


def first_page_is_sqlite(database: Path, key: bytes, page_size: int) -> bool:
    """The decryption is right: page 1 then holds SQLite's page size where it belongs."""
    plain = next(pages(database, key, page_size))
    return int.from_bytes(plain[0:2], "big") == (page_size if page_size < 65536 else 1)


def noise_png(side: int = 96) -> bytes:
    """A photo whose bytes are random noise (so no other data repeats them by chance)."""
    import os
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + os.urandom(side * 3) for _ in range(side))
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 0))
        + chunk(b"IEND", b"")
    )


def noise_words(seed: int, count: int = 1200) -> str:
    """Text of random words, which does not pack smaller (it fills pages as it is)."""
    import random
    import string

    rng = random.Random(seed)
    return " ".join("".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(count))


def pieces(data: bytes, size: int = 48, count: int = 8) -> list[bytes]:
    """A few slices spread over ``data``: finding any of them is finding it."""
    if len(data) <= size:
        return [data]
    step = max(1, (len(data) - size) // max(1, count - 1))
    return [data[i : i + size] for i in range(0, len(data) - size + 1, step)][:count]


def hits(blobs: list[bytes], needles: list[bytes]) -> list[bytes]:
    """The needles found in any of ``blobs``."""
    return [n for n in needles if any(n in b for b in blobs)]
