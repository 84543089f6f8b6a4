"""Passphrase → raw database key, with Argon2id from pyca/cryptography.

The parameters (salt, memory, iterations, lanes) are not secret and live in the profile
header next to the database. ``calibrate`` picks the iteration count so one derivation
takes about ``target_ms`` on this computer, never going below the OWASP floor.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
import time
from dataclasses import asdict, dataclass

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

KEY_LEN = 32
DEFAULT_TARGET_MS = 500
# OWASP 2023 floor for Argon2id is m=19 MiB, t=2, p=1; we use more memory by default.
MIN_MEMORY_KIB = 19 * 1024
DEFAULT_MEMORY_KIB = 64 * 1024
MAX_ITERATIONS = 24
_CHECK_INFO = b"casebook/key-check/v1"
# One derivation at a time in this process. pyca/cryptography hands Argon2id's lanes to
# OpenSSL's own worker threads; two derivations started from two Python threads at once
# (the window's session thread and another) hang or crash inside OpenSSL
# (cryptography 50.0.2, OpenSSL 4.0.3). A derivation already uses every core, so waiting
# for the other costs nothing.
_DERIVING = threading.Lock()


@dataclass(frozen=True)
class KdfParams:
    salt: bytes
    memory_kib: int = DEFAULT_MEMORY_KIB
    iterations: int = 3
    lanes: int = 4
    algorithm: str = "argon2id"

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["salt"] = self.salt.hex()
        return data

    @classmethod
    def from_json(cls, data: object) -> KdfParams:
        if not isinstance(data, dict) or data.get("algorithm") != "argon2id":
            raise ValueError("unknown key derivation algorithm")
        params = cls(
            salt=bytes.fromhex(str(data["salt"])),
            memory_kib=int(data["memory_kib"]),
            iterations=int(data["iterations"]),
            lanes=int(data["lanes"]),
        )
        # Bounds also stop a hostile header from making unlock use gigabytes or hours.
        if not (
            16 <= len(params.salt) <= 64
            and 1 <= params.lanes <= 64
            and 8 * params.lanes <= params.memory_kib <= 4 * 1024 * 1024
            and 1 <= params.iterations <= 1000
        ):
            raise ValueError("key derivation parameters out of range")
        return params


def derive_key(passphrase: str, params: KdfParams) -> bytes:
    kdf = Argon2id(
        salt=params.salt,
        length=KEY_LEN,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    with _DERIVING:
        return kdf.derive(passphrase.encode("utf-8"))


def key_check(key: bytes) -> bytes:
    """A value that tells a wrong passphrase from a damaged database.

    It reveals nothing the database header does not already let an attacker test.
    """
    return hmac.new(key, _CHECK_INFO, hashlib.sha256).digest()[:16]


def calibrate(target_ms: int | None = None) -> KdfParams:
    """Fresh salt and parameters costing about ``target_ms`` per derivation here."""
    if target_ms is None:
        try:
            target_ms = int(os.environ.get("CASEBOOK_KDF_TARGET_MS", DEFAULT_TARGET_MS))
        except ValueError:
            target_ms = DEFAULT_TARGET_MS
    salt = os.urandom(16)
    memory = DEFAULT_MEMORY_KIB if target_ms >= 200 else MIN_MEMORY_KIB

    def timed(iterations: int) -> float:
        start = time.perf_counter()
        derive_key("calibration", KdfParams(salt, memory, iterations, 4))
        return (time.perf_counter() - start) * 1000

    timed(1)  # warm up: the first run pays for mapping the memory
    low, high = timed(1), timed(5)
    per_iteration = max((high - low) / 4, 0.1)
    fixed = max(low - per_iteration, 0.0)
    wanted = round((target_ms - fixed) / per_iteration)
    iterations = int(min(MAX_ITERATIONS, max(2, wanted)))
    return KdfParams(salt=salt, memory_kib=memory, iterations=iterations, lanes=4)
