"""The ``casebook`` command line: arguments only; the work is in :mod:`commands`."""

from __future__ import annotations

import argparse

from casebook import __version__
from casebook.cli import (
    consent_options,
    flag_commands,
    followup_commands,
    opinion_commands,
    poll_commands,
    queue_commands,
)
from casebook.core.library.queries import SORTS
from casebook.core.model.membership import INVITERS, ROLES


def _common() -> argparse.ArgumentParser:
    # default=SUPPRESS lets --json / --profile come before or after the command name.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print one JSON object on stdout",
    )
    common.add_argument(
        "--profile",
        default=argparse.SUPPRESS,
        metavar="DIR",
        help="profile directory (default: $CASEBOOK_PROFILE or the user data dir)",
    )
    common.add_argument(
        "--passphrase-file",
        default=argparse.SUPPRESS,
        metavar="FILE",
        help="read the passphrase from the first line of FILE",
    )
    return common


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--network", "-n", metavar="NET", help="network id or name")
    parser.add_argument("--tag", "-t", help="only cases with this tag")
    parser.add_argument("--author", "-a", help="author fingerprint, prefix or name")
    parser.add_argument("--status", choices=("open", "resolved"))
    parser.add_argument("--mine", action="store_true", help="only the cases you posted")
    parser.add_argument(
        "--opinion", action="store_true", help="only cases whose author asks a second opinion"
    )
    parser.add_argument(
        "--awaiting",
        action="store_true",
        help="open cases awaiting your reply: you were mentioned, a poll awaits your "
        "answer, or someone spoke after you (with --status resolved: resolved ones)",
    )
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="created on or after")
    parser.add_argument("--until", metavar="YYYY-MM-DD", help="created before")
    parser.add_argument("--limit", type=int, default=20)


def _content(parser: argparse.ArgumentParser, *, new: bool) -> None:
    parser.add_argument("--title", required=new)
    parser.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="NAME=TEXT",
        help="structured field, e.g. presentation=...; repeatable",
    )
    parser.add_argument("--body", help="Markdown body text")
    parser.add_argument("--body-file", metavar="FILE", help="read the Markdown body from FILE")
    parser.add_argument("--tag", action="append", default=None, help="tag; repeatable")
    parser.add_argument("--specialty")
    parser.add_argument(
        "--attach",
        action="append",
        default=[],
        metavar="FILE",
        help="attach a file (images have their metadata removed); repeatable",
    )
    consent_options.add_options(parser)


def _allow_identifiers(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-identifiers",
        action="store_true",
        help="publish even if the de-identification check flags something",
    )


def build() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="casebook",
        parents=[common],
        description="Casebook: a private, encrypted case library for your professional network.",
    )
    parser.add_argument("--version", action="version", version=f"casebook {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def cmd(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help_text, description=help_text)

    p = cmd("init", "create a profile: your identity and an empty encrypted library")
    p.add_argument("--name", required=True, help="your name as colleagues know it")
    cmd("whoami", "show this profile's name and fingerprint")
    cmd("about", "the version, and the libraries Casebook runs on with their licences")

    p = cmd("network", "create and inspect networks")
    nsub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    c = nsub.add_parser("create", parents=[common], help="create a network you found")
    c.add_argument("name")
    c.add_argument(
        "--relay", action="append", metavar="RELAY_URL", help="a relay for it; repeatable"
    )
    c.add_argument("--who-invites", choices=INVITERS, default="admins")
    c.add_argument("--default-role", choices=ROLES, default="member")
    nsub.add_parser("list", parents=[common], help="networks in this profile")
    s = nsub.add_parser("show", parents=[common], help="details of one network")
    s.add_argument("net", metavar="NET")
    s = nsub.add_parser("policy", parents=[common], help="who may invite; newcomers' role")
    s.add_argument("net", metavar="NET")
    s.add_argument("--who-invites", choices=INVITERS)
    s.add_argument("--default-role", choices=ROLES)

    p = cmd("invite", "invite colleagues: create, list and revoke invite codes")
    isub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    c = isub.add_parser("create", parents=[common], help="make an invite code")
    c.add_argument("--network", "-n", required=True, metavar="NET")
    c.add_argument("--role", choices=ROLES, help="role of the newcomer (default: the policy's)")
    c.add_argument("--uses", type=int, default=1, help="how many people may use it (1)")
    c.add_argument("--expires", default="7d", metavar="DURATION", help="e.g. 12h, 7d, 2w (7d)")
    c = isub.add_parser("list", parents=[common], help="invites of a network")
    c.add_argument("--network", "-n", required=True, metavar="NET")
    c = isub.add_parser("revoke", parents=[common], help="revoke an invite")
    c.add_argument("--network", "-n", required=True, metavar="NET")
    c.add_argument("invite", metavar="INVITE_ID")

    p = cmd("join", "join a network with an invite code")
    p.add_argument("code", metavar="CODE")
    p.add_argument("--bundle", metavar="FILE", help="a bundle file from a member (else: the relay)")
    p.add_argument("--name", help="your name in this network (default: the profile's)")

    p = cmd("sync", "exchange events with the relays of your networks and colleagues nearby")
    p.add_argument(
        "action", nargs="?", choices=("status",), help="status: probe each relay and LAN colleague"
    )
    p.add_argument("--network", "-n", metavar="NET", help="only this network")
    p.add_argument(
        "--watch",
        action="store_true",
        help="stay connected: live both ways, reconnect; also advertise and accept LAN links",
    )
    p.add_argument(
        "--lan", action="store_true", help="sync with colleagues found on this LAN (not relays)"
    )
    p.add_argument(
        "--wait",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="how long --lan (default 5) or status (default 2) looks for colleagues",
    )
    p.add_argument("--no-lan", action="store_true", help="with --watch: relays only")

    p = cmd("relay", "host this network's relay on this computer")
    rsub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    host = rsub.add_parser("host", parents=[common], help="run the relay here until stopped")
    host.add_argument("--network", "-n", required=True, metavar="NET")
    url = rsub.add_parser("url", parents=[common], help="print this computer's relay URL")
    for c in (host, url):
        c.add_argument("--listen", default="0.0.0.0:7447", metavar="HOST:PORT")
        c.add_argument("--public-host", metavar="HOST", help="the name members reach it by")
        c.add_argument("--data", metavar="DIR", help="relay data (default: in the profile)")

    p = cmd("member", "members of a network: list, change roles, remove")
    msub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    c = msub.add_parser("list", parents=[common], help="members, roles and who invited them")
    c.add_argument("--network", "-n", required=True, metavar="NET")
    c.add_argument("--all", action="store_true", help="include removed members")
    c = msub.add_parser("role", parents=[common], help="change a member's role (admins)")
    c.add_argument("--network", "-n", required=True, metavar="NET")
    c.add_argument("member", metavar="MEMBER", help="fingerprint, or a prefix of it or a name")
    c.add_argument("role", choices=ROLES)
    c = msub.add_parser("remove", parents=[common], help="remove a member and re-key (admins)")
    c.add_argument("--network", "-n", required=True, metavar="NET")
    c.add_argument("member", metavar="MEMBER", help="fingerprint, or a prefix of it or a name")

    p = cmd("device", "your computers: link a new one, list them, revoke a lost one")
    dsub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    dsub.add_parser("list", parents=[common], help="your computers, this one marked")
    c = dsub.add_parser("link", parents=[common], help="make a link code and wait for it")
    c.add_argument("--confirm", action="store_true", help="accept without comparing codes")
    c = dsub.add_parser("join", parents=[common], help="make this computer one of yours")
    c.add_argument("code", metavar="CODE", help="the link code from your other computer")
    c.add_argument("--name", help="what to call this computer (your other ones see it)")
    c = dsub.add_parser("revoke", parents=[common], help="revoke a computer and re-key")
    c.add_argument("device", metavar="DEVICE", help="its id (or a prefix of it) or its name")
    c.add_argument(
        "--recovery-key",
        action="store_true",
        help="sign with your recovery key (asked for, or CASEBOOK_RECOVERY_KEY): needed for "
        "a computer this one did not link",
    )

    cmd("recovery-key", "show your recovery key again (on the computer that holds it)")
    p = cmd("recover", "set up your library on this computer with your recovery key")
    p.add_argument("--relay", metavar="URL", help="a relay of one of your networks")
    p.add_argument("--name", help="what to call this computer")

    p = cmd("backup", "write an encrypted backup of this profile to FILE")
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--recovery-key", action="store_true", help="seal it under your recovery key instead"
    )
    p = cmd("restore", "make this profile from a backup FILE")
    p.add_argument("file", metavar="FILE")

    p = cmd(
        "moderate",
        "hide, pin, hold or release content (moderators and admins; unhide: admins)",
    )
    p.add_argument("action", choices=("hide", "unhide", "pin", "unpin", "hold", "release"))
    p.add_argument("id", metavar="CASE_OR_COMMENT_ID")
    p.add_argument("--reason", help="why it is hidden; members see it")

    p = cmd("bundle", "move a network's encrypted events on a file (removable media)")
    bsub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    c = bsub.add_parser("export", parents=[common], help="write a network's events to FILE")
    c.add_argument("--network", "-n", required=True, metavar="NET")
    c.add_argument("file", metavar="FILE")
    c = bsub.add_parser("import", parents=[common], help="take in the events of FILE")
    c.add_argument("file", metavar="FILE")

    p = cmd("post", "post a new case")
    p.add_argument("--network", "-n", required=True, metavar="NET")
    _content(p, new=True)
    followup_commands.add_follow_up(p)
    opinion_commands.add_post_options(p)
    _allow_identifiers(p)

    p = cmd("edit", "edit your case (title, fields, body, tags, files) or your comment")
    p.add_argument("id", metavar="ID")
    _content(p, new=False)
    _allow_identifiers(p)

    p = cmd("comment", "comment on a case, or reply to a comment")
    p.add_argument(
        "id", metavar="CASE_OR_COMMENT_ID", help="a case id, or a comment id to reply to it"
    )
    p.add_argument("--body", help="the comment (Markdown)")
    p.add_argument("--body-file", metavar="FILE")
    _allow_identifiers(p)

    p = cmd("endorse", "mark a comment as helpful")
    p.add_argument("id", metavar="COMMENT_ID")

    p = cmd("outcome", "add an outcome follow-up to your case")
    p.add_argument("id", metavar="CASE_ID")
    p.add_argument("--body", help="what happened (Markdown)")
    p.add_argument("--body-file", metavar="FILE")
    p.add_argument("--resolve", action="store_true", help="also mark the case resolved")
    _allow_identifiers(p)

    p = cmd("check", "look for patient identifiers in a text before you paste it (stores nothing)")
    p.add_argument(
        "file", nargs="?", default="-", metavar="FILE", help="a text file, or - for standard input"
    )

    p = cmd(
        "withdraw",
        "withdraw a case (its author, or an admin): every member's computer and the relay "
        "delete it, leaving a tombstone",
    )
    p.add_argument("id", metavar="CASE_ID")
    p.add_argument("--reason", required=True, help="why, shown on the tombstone")
    _allow_identifiers(p)

    p = cmd(
        "export",
        "export a case and its discussion for teaching (only when its consent covers "
        "teaching; authors as roles or initials)",
    )
    p.add_argument("id", metavar="CASE_ID")
    p.add_argument("--format", choices=("pdf",), default="pdf")
    p.add_argument("--out", required=True, metavar="FILE", help="the PDF to write (a new file)")
    p.add_argument(
        "--authors",
        choices=("roles", "initials"),
        default="roles",
        help="show authors as roles (Presenting clinician, Colleague A…) or as initials",
    )
    _allow_identifiers(p)

    poll_commands.add_parser(sub, common, _allow_identifiers)
    queue_commands.add_parser(sub, common)
    flag_commands.add_parser(sub, common, _allow_identifiers)
    followup_commands.add_parser(sub, common)
    opinion_commands.add_parser(sub, common)

    p = cmd("status", "mark your case open or resolved")
    p.add_argument("id", metavar="CASE_ID")
    p.add_argument("status", choices=("open", "resolved"))

    p = cmd("list", "list cases, most recently active first")
    _filters(p)
    p.add_argument("--sort", choices=sorted(SORTS), default="activity")
    p.add_argument("--offset", type=int, default=0)
    p.set_defaults(limit=50)

    p = cmd("show", "show a case with its discussion")
    p.add_argument("id", metavar="CASE_ID")

    p = cmd("search", "full-text search over cases and discussions")
    p.add_argument("query", help="words to find; punctuation and operators are taken literally")
    _filters(p)

    p = cmd("attachment", "save an attachment to a file")
    asub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    a = asub.add_parser("save", parents=[common], help="write an attachment's bytes to a file")
    a.add_argument("hash", metavar="HASH", help="the attachment's hash (or a prefix)")
    a.add_argument("--out", required=True, metavar="FILE", help="where to write it")

    p = cmd("passphrase", "change the profile's passphrase")
    psub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    c = psub.add_parser("change", parents=[common], help="re-encrypt under a new passphrase")
    c.add_argument(
        "--new-passphrase-file",
        metavar="FILE",
        help="read the new passphrase from FILE (else $CASEBOOK_NEW_PASSPHRASE or a prompt)",
    )

    p = cmd("doctor", "verify every event and the database; optionally rebuild the views")
    p.add_argument(
        "--rebuild",
        action="store_true",
        help="rebuild cases, comments and the search index from the events",
    )
    p.add_argument(
        "--compact",
        action="store_true",
        help="write the library anew without its free pages (after the checks pass)",
    )
    return parser


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError("give between 0 and 600 seconds")
    return value
