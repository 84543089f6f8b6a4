"""``casebook``: the whole library from a terminal, without a display."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Sequence

from casebook import logs
from casebook.cli import commands
from casebook.cli.parser import build
from casebook.core.model.events import EventError
from casebook.errors import CasebookError, IdentifiersFound, ModelError
from casebook.store.database import DatabaseError


def _emit(data: object, text: str, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    elif text:
        sys.stdout.write(text + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    args = build().parse_args(argv)
    as_json = bool(getattr(args, "json", False))
    log = logs.setup("casebook-cli")
    ctx = commands.Context(args)
    try:
        data, text = commands.COMMANDS[args.command](ctx)
        _emit(data, text, as_json)
        return 0
    except IdentifiersFound as exc:
        _emit({"findings": [f.to_json() for f in exc.findings]}, "", as_json)
        print(
            f"casebook: {exc.explain('send it anyway with --allow-identifiers')}", file=sys.stderr
        )
        return exc.exit_code
    except commands.DoctorFailed as exc:
        _emit(exc.data, "", as_json)
        print(f"casebook: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except EventError as exc:  # a CasebookError too: it needs its own words first
        print(f"casebook: the library holds an event that cannot be used: {exc}.", file=sys.stderr)
        return 3
    except ModelError:  # unworded by any service: a bug, reported as one
        return _internal(log, args.command)
    except CasebookError as exc:
        print(f"casebook: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except DatabaseError as exc:
        log.error("database error in %s: %s", args.command, exc)
        print(
            f"casebook: the library database reported an error ({exc}). It may be damaged; "
            "run 'casebook doctor' and restore from a backup if it finds problems.",
            file=sys.stderr,
        )
        return 3
    except KeyboardInterrupt:
        print("casebook: interrupted; nothing half-done was saved.", file=sys.stderr)
        return 130
    except Exception:
        return _internal(log, args.command)
    finally:
        ctx.close()


def _internal(log: logging.Logger, command: str) -> int:
    log.exception("unexpected error in %s", command)
    handler = next((h for h in log.handlers if isinstance(h, logging.FileHandler)), None)
    where = f" Details are in {handler.baseFilename}." if handler else ""
    print(f"casebook: internal error; your data is unchanged.{where}", file=sys.stderr)
    return 70
