"""A throwaway PostgreSQL cluster for tests: ``initdb`` in a temporary folder, the
server on a free port of 127.0.0.1 (and a socket in that folder), a password of its own,
a fresh database per test. Debian's PostgreSQL (``installers/system-deps.sh test``
installs it); as root the server runs as the ``postgres`` user the package made, since
PostgreSQL refuses to run as root.

Set ``CASEBOOK_PG_BIN`` to another PostgreSQL's ``bin`` folder to use that one.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg


def pg_bin() -> Path | None:
    """The folder of ``initdb`` and ``postgres``, newest version first; None: none here."""
    chosen = os.environ.get("CASEBOOK_PG_BIN")
    found = [chosen] if chosen else sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in found:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "postgres").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """One server; :meth:`database` makes a new empty database and returns its URL."""

    def __init__(self, durable: bool = False) -> None:
        """``durable``: fsync as a production server does (the benches); tests skip it."""
        self.durable = durable
        binary = pg_bin()
        if binary is None:
            raise RuntimeError(
                "PostgreSQL is not installed: bash installers/system-deps.sh test installs it"
            )
        self.bin = binary
        self.root = Path(tempfile.mkdtemp(prefix="casebook-pg-"))
        self.data = self.root / "data"
        self.password = secrets.token_hex(16)
        self.user = "casebook"
        self._as: dict[str, object] = {}
        if os.geteuid() == 0:  # PostgreSQL will not run as root
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self._as = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}
        os.chmod(self.root, 0o700)
        secret = self.root / "pw"
        secret.write_text(self.password)
        if self._as:
            shutil.chown(secret, "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            self.user,
            "--auth=scram-sha-256",
            f"--pwfile={secret}",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        secret.unlink()
        self.port = 0
        self.server: subprocess.Popen[bytes] | None = None
        self._count = 0
        self.start()

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [str(self.bin / tool), *args],
            **self._as,  # type: ignore[call-overload]
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=120,
        )

    def start(self, port: int = 0) -> None:
        """The server, on ``port`` or a new free one (again after :meth:`stop`)."""
        for _ in range(5):
            self.port = port or _free_port()
            self.server = subprocess.Popen(
                [
                    str(self.bin / "postgres"),
                    "-D",
                    str(self.data),
                    "-p",
                    str(self.port),
                    "-k",
                    str(self.root),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "max_connections=200",
                    *self._speed(),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                **self._as,  # type: ignore[arg-type]
            )
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and self.server.poll() is None:
                with contextlib.suppress(psycopg.OperationalError):
                    psycopg.connect(self.url("postgres"), connect_timeout=2).close()
                    return
                time.sleep(0.1)
            self.stop()
        raise RuntimeError("the test PostgreSQL server did not start")

    def _speed(self) -> list[str]:
        if self.durable:
            return ["-c", "shared_buffers=256MB"]
        # Durability of the machine's disk is not under test; the relay's own (an
        # acknowledged event is committed) is.
        return ["-c", "fsync=off", "-c", "full_page_writes=off", "-c", "shared_buffers=32MB"]

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def database(self) -> str:
        """A new, empty database's URL."""
        self._count += 1
        name = f"relay_{os.getpid()}_{self._count}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} STRATEGY FILE_COPY")  # type: ignore[arg-type]
        return self.url(name)

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.send_signal(signal.SIGINT)  # a fast shutdown (SIGTERM waits for clients)
            try:
                self.server.wait(20)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait(5)
        self.server = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
