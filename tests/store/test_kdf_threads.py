"""Key derivations started from several threads at once all finish (the window's session
thread may unlock while another thread derives): OpenSSL's Argon2id threads are shared."""

from __future__ import annotations

import os
import threading

from casebook.store import kdf


def test_concurrent_derivations_finish_and_agree() -> None:
    params = kdf.KdfParams(salt=os.urandom(16), memory_kib=kdf.MIN_MEMORY_KIB, iterations=2)
    expected = kdf.derive_key("correct horse", params)
    results: list[bytes] = []

    def work() -> None:
        for _ in range(15):
            results.append(kdf.derive_key("correct horse", params))

    threads = [threading.Thread(target=work, daemon=True) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)  # a bound on a hang, not a speed goal: done in about a second
    assert not any(thread.is_alive() for thread in threads), "a derivation hung"
    assert results == [expected] * 45
