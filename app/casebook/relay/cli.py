"""``casebook-relay``: run and inspect a relay.

The relay server is built in the relay-and-sync work; until it lands this command says so
plainly instead of pretending to serve.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from casebook import __version__


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="casebook-relay", description="Run a Casebook relay for your network."
    )
    parser.add_argument("--version", action="version", version=f"casebook-relay {__version__}")
    parser.parse_args(argv)
    print(
        "casebook-relay: this build has no relay server yet; members can use their local "
        "libraries meanwhile.",
        file=sys.stderr,
    )
    return 2
