"""One function per command: turn arguments into core calls, return the output.

Each returns ``(json_object, text)``; :func:`casebook.cli.main` prints one of them.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from casebook import about
from casebook.cli import (
    consent_options,
    device_commands,
    flag_commands,
    followup_commands,
    network_commands,
    opinion_commands,
    poll_commands,
    queue_commands,
    secrets_input,
    sync_commands,
)
from casebook.cli.context import (
    Context,
    Output,
    filters,
    limit,
    parse_fields,
    read_text,
    stripped_note,
)
from casebook.core.ledger.eventlog import now_ms
from casebook.core.library import attachments, refs
from casebook.core.library.deident import check_text
from casebook.core.library.queries import CaseSummary, iso
from casebook.core.profile import Profile
from casebook.errors import CasebookError, NotFound, UsageError, say
from casebook.store.files import atomic_write


def withdrawn_line(record: dict[str, Any]) -> str:
    """A tombstone's line: who withdrew the case, when and why."""
    who = record["by_name"] + (" (admin)" if record["admin"] else "")
    return f"Withdrawn by {who} on {iso(record['at'])[:10]}: {record['reason']}"


def _line(case: CaseSummary) -> str:
    tags = " ".join(f"#{t}" for t in case.tags)
    title = case.title if case.withdrawn is None else f"[{withdrawn_line(case.withdrawn)}]"
    return (
        f"{case.id.hex()[:12]}  {title}\n"
        f"              {case.author_name} · {iso(case.created_at)[:10]} · {case.status} · "
        f"{case.comments} replies {tags}".rstrip()
    )


def init(ctx: Context) -> Output:
    profile = Profile.create(ctx.directory, ctx.args.name, ctx.passphrase(confirm=True))
    ctx.adopt(profile)
    fp = profile.fingerprint
    key = profile.recovery.key()
    data = {
        "fingerprint": fp,
        "name": profile.name,
        "profile": str(ctx.directory),
        "recovery_key": key,
    }
    text = (
        f"Created the profile of {profile.name} in {ctx.directory}.\n"
        f"Your fingerprint (colleagues compare it to be sure it is you):\n  {fp}\n"
        f"Your recovery key (write it down and keep it away from this computer; with it, "
        f"casebook recover brings your library to a new computer):\n  {key}\n"
        "Keep your passphrase safe: it cannot be recovered."
    )
    return data, text


def whoami(ctx: Context) -> Output:
    p = ctx.profile
    fp = p.fingerprint
    return {"fingerprint": fp, "name": p.name, "profile": str(ctx.directory)}, f"{p.name}\n{fp}"


def about_casebook(ctx: Context) -> Output:
    """The version and the libraries Casebook runs on, with their licences."""
    found = about.libraries()
    rows = [{"name": lib.name, "version": lib.version, "licence": lib.licence} for lib in found]
    text = "\n".join(
        [f"Casebook {about.version()}", "Built on (each under its own licence):"]
        + [f"  {lib.name} {lib.version}: {lib.licence}" for lib in found]
    )
    return {"version": about.version(), "libraries": rows}, text


def network(ctx: Context) -> Output:
    a, p = ctx.args, ctx.profile
    if a.action == "create":
        return network_commands.network_create(ctx)
    if a.action == "show":
        return network_commands.network_show(ctx)
    if a.action == "policy":
        net = p.library.network(a.net)
        p.governance.set_policy(net, a.who_invites, a.default_role)
        info = p.governance.show(net)
        return info["policy"], (
            f"Who may invite: {info['policy']['invite']}; newcomers join as "
            f"{info['policy']['default_role']}."
        )
    if a.action == "list":
        nets = p.queries.networks()
        text = "\n".join(f"{n['id']}  {n['name']} ({n['cases']} cases)" for n in nets)
        return {"results": nets}, text or "No networks yet: 'casebook network create NAME'."
    raise UsageError(say("Unknown network action {0!r}.", a.action))


def post(ctx: Context) -> Output:
    a, p = ctx.args, ctx.profile
    net = p.library.network(a.network)
    body = read_text(a.body, a.body_file, "body", required=False) or ""
    fields = parse_fields(a.field)
    record, files = consent_options.case_files(a, p.name)
    follow_up = followup_commands.after(a.follow_up, "--follow-up") if a.follow_up else None
    case = p.library.post_case(
        net,
        title=a.title,
        fields=fields,
        body=body,
        tags=a.tag or [],
        specialty=a.specialty or "",
        files=files,
        consent=record,
        allow_identifiers=a.allow_identifiers,
    )
    data: dict[str, Any] = {
        "id": case.hex(),
        "attachments": [
            {
                "name": f.name,
                "hash": f.hash.hex(),
                "size": f.size,
                "mime": f.mime,
                "metadata_removed": f.removed,
                "metadata_checked": f.metadata_checked,
            }
            for f in files
        ],
        "warnings": attachments.warnings(files),
    }
    asked = opinion_commands.wanted(a)
    if asked is not None:
        p.library.request_opinion(case, asked)
        data["opinion"] = asked
    if follow_up is not None:
        due = now_ms() + follow_up
        p.library.remind(case, due)
        data["follow_up"] = due
    return data, f"Posted case {case.hex()}{stripped_note(files)}"


def edit(ctx: Context) -> Output:
    a, p = ctx.args, ctx.profile
    what, target = refs.find_item(p.db, a.id)
    body = read_text(a.body, a.body_file, "body", required=False)
    if what == "comment":
        if body is None or a.title or a.field or a.tag or a.specialty or a.attach or a.consent:
            raise UsageError("A comment can only get a new --body or --body-file.")
        event = p.library.edit_comment(target, body, allow_identifiers=a.allow_identifiers)
        return {"id": target.hex(), "event": event.hex()}, f"Edited comment {target.hex()[:12]}"
    fields = None
    if a.field:
        current = p.queries.case(target)
        if current is None:
            raise NotFound("No such case.")
        merged = {**current.fields, **parse_fields(a.field)}
        fields = {k: v for k, v in merged.items() if v}
    record, files = consent_options.case_files(a, p.name)
    event = p.library.edit_case(
        target,
        files=files,
        consent=record,
        title=a.title,
        fields=fields,
        body=body,
        tags=a.tag,
        specialty=a.specialty,
        allow_identifiers=a.allow_identifiers,
    )
    text = f"Edited case {target.hex()[:12]}{stripped_note(files)}"
    return {"id": target.hex(), "event": event.hex(), "warnings": attachments.warnings(files)}, text


def comment(ctx: Context) -> Output:
    a, p = ctx.args, ctx.profile
    what, target = refs.find_item(p.db, a.id)
    body = read_text(a.body, a.body_file, "comment", required=True) or ""
    allow = a.allow_identifiers
    if what == "case":
        new = p.library.comment(target, body, allow_identifiers=allow)
    else:
        new = p.library.reply(target, body, allow_identifiers=allow)
    return {"id": new.hex()}, f"Posted comment {new.hex()}"


def endorse(ctx: Context) -> Output:
    p = ctx.profile
    target = p.library.comment_ref(ctx.args.id)
    p.library.endorse(target)
    return {"id": target.hex(), "endorsed": True}, "Endorsed."


def outcome(ctx: Context) -> Output:
    a, p = ctx.args, ctx.profile
    case = p.library.case(a.id)
    body = read_text(a.body, a.body_file, "outcome", required=True) or ""
    new = p.library.add_outcome(case, body, allow_identifiers=a.allow_identifiers)
    if a.resolve:
        p.library.set_status(case, "resolved")
    return {"id": new.hex()}, f"Added the outcome {new.hex()[:12]}"


def check(ctx: Context) -> Output:
    """The de-identification check on a file or standard input; nothing is stored and no
    profile is opened."""
    source = ctx.args.file
    if source == "-":
        try:
            text = sys.stdin.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(say("Cannot read standard input: {0}.", exc)) from None
    else:
        text = read_text(None, source, "text", required=True) or ""
    findings = check_text(text)
    data = {"findings": [f.to_json() for f in findings]}
    if not findings:
        return data, "Nothing that looks like a patient identifier was found."
    lines = [f"{len(findings)} possible identifier(s); remove them before you share the text:"]
    for f in findings:
        line = text.count("\n", 0, f.start) + 1
        lines.append(f"  line {line}: {f.what} — “{f.text}”")
    return data, "\n".join(lines)


def status(ctx: Context) -> Output:
    p = ctx.profile
    case = p.library.case(ctx.args.id)
    p.library.set_status(case, ctx.args.status)
    return {"id": case.hex(), "status": ctx.args.status}, f"Case marked {ctx.args.status}."


def withdraw(ctx: Context) -> Output:
    a, p = ctx.args, ctx.profile
    case = p.library.case(a.id)
    event = p.library.withdraw(case, a.reason, allow_identifiers=a.allow_identifiers)
    return {"id": case.hex(), "withdrawal": event.hex()}, (
        "Withdrew the case. Each member's computer deletes its text, discussion and "
        "attachments when it next syncs, and the relay drops what it holds; run "
        "`casebook sync` to send the withdrawal now. `casebook show` counts the "
        "computers that have confirmed."
    )


def export(ctx: Context) -> Output:
    """A teaching PDF of a case (refused, with the reason, unless its consent covers it)."""
    a, p = ctx.args, ctx.profile
    case = p.library.case(a.id)
    out = Path(a.out).expanduser()
    size = asyncio.run(
        ctx.session.teaching_pdf(case, out, a.authors, allow_identifiers=a.allow_identifiers)
    )
    return {"id": case.hex(), "out": str(out), "bytes": size}, (
        f"Wrote {out} ({size // 1024 or 1} KB): for teaching, authors shown as {a.authors}. "
        "It is a copy outside Casebook: a later withdrawal of the case cannot recall it."
    )


def list_cases(ctx: Context) -> Output:
    a = ctx.args
    chosen = filters(ctx)
    if not 0 <= a.offset <= 2**53:
        raise UsageError("--offset must be between 0 and 2^53.")
    cases = ctx.profile.queries.list_cases(chosen, a.sort, limit(a.limit), a.offset)
    total = ctx.profile.queries.count_cases(chosen)
    text = "\n".join(_line(c) for c in cases) or "No cases match."
    return {"results": [c.to_json() for c in cases], "total": total}, text


def show(ctx: Context) -> Output:
    p = ctx.profile
    case = p.queries.case(p.library.case(ctx.args.id))
    if case is None:
        raise NotFound("No such case.")
    s = case.summary
    if s.withdrawn is not None:
        purged = case.purged_on or {"computers": 0, "members": 0}
        return case.to_json(), "\n".join(
            [
                withdrawn_line(s.withdrawn),
                f"Posted by {s.author_name} on {iso(s.created_at)[:10]}; its text, discussion "
                "and attachments are deleted.",
                f"Deletion confirmed so far by {purged['computers']} computer(s) of "
                f"{purged['members']} member(s); the others confirm as they sync.",
            ]
        )
    tags = " ".join(f"#{t}" for t in s.tags)
    lines = [s.title, f"{s.author_name} · {iso(s.created_at)} · {s.status} · {tags}".rstrip()]
    if s.specialty:
        lines.append(f"Specialty: {s.specialty}")
    for name, value in case.fields.items():
        lines += ["", name.capitalize(), value]
    if case.body:
        lines += ["", case.body]
    if case.consent is not None:
        lines += ["", f"Consent: {consent_options.describe(case.consent)}"]
    for att in case.attachments:
        marks = consent_options.marks(att)
        lines.append(
            f"[attachment] {att['name']} ({att['mime']}, {att['size']} bytes) "
            f"{att['hash'][:16]}{marks}"
        )
    if case.discussion:
        lines += ["", f"Discussion ({len(case.discussion)})"]
    for c in case.discussion:
        pad = "  " * (c.depth + 1)
        label = "OUTCOME · " if c.kind == "outcome" else ""
        marks = f" · endorsed by {c.endorsements}" if c.endorsements else ""
        when = iso(c.created_at)[:16]
        lines.append(f"{pad}{label}{c.author_name} · {when}{marks} · {c.id.hex()[:12]}")
        lines += [pad + "  " + line for line in c.body.splitlines()]
        if c.damaged:
            lines.append(f"{pad}  [{c.damaged}]")
    return case.to_json(), "\n".join(lines)


def search(ctx: Context) -> Output:
    a = ctx.args
    results = ctx.profile.queries.search(a.query, filters(ctx), limit(a.limit))
    text = "\n".join(
        _line(r.case)
        + "\n              "
        + r.snippet.replace("<mark>", "[").replace("</mark>", "]")
        for r in results
    )
    return {"results": [r.to_json() for r in results]}, text or "Nothing found."


def attachment(ctx: Context) -> Output:
    p = ctx.profile
    digest = refs.attachment(p.db, ctx.args.hash)
    # named by a case but not fetched yet: the session fetches it from a relay first
    data = asyncio.run(ctx.session.attachment_data(digest))
    out = Path(ctx.args.out).expanduser()
    if out.exists() or out.is_symlink():
        raise UsageError(say("{0} already exists; choose another file name.", out))
    try:
        atomic_write(out, data, mode=0o644)  # never a half-written file
    except OSError as exc:
        raise CasebookError(say("Cannot write {0}: {1}.", out, exc.strerror)) from None
    text = f"Saved {len(data)} bytes to {out}"
    return {"hash": digest.hex(), "path": str(out), "size": len(data)}, text


def passphrase(ctx: Context) -> Output:
    p = ctx.profile
    new = secrets_input.new_passphrase(ctx.args.new_passphrase_file)
    p.change_passphrase(new)
    return {"changed": True}, "Passphrase changed. The old one no longer opens this profile."


class DoctorFailed(CasebookError):
    exit_code = 3

    def __init__(self, data: dict[str, Any]) -> None:
        problems = data["problems"]
        super().__init__(
            f"{len(problems)} problem(s) found; nothing was changed. First: {problems[0]}"
        )
        self.data = data


def doctor(ctx: Context) -> Output:
    p = ctx.profile
    if ctx.args.compact:
        p.check_alone()
    problems = p.problems()
    rebuilt = None
    if ctx.args.rebuild and not problems:  # sound events: the derived tables are rebuilt
        rebuilt = p.log.rebuild()
    problems += p.derived_problems()
    data: dict[str, Any] = {
        "ok": not problems,
        "problems": problems,
        **p.tallies(),
    }
    if problems:
        raise DoctorFailed(data)
    if rebuilt is not None:
        data["rebuilt"] = rebuilt
    lines = [f"{data['events']} events verified; database intact."]
    for key in ("forks", "held", "rejected"):
        if data[key]:
            lines.append(f"{key}: {data[key]}")
    if "rebuilt" in data:
        lines.append(f"Rebuilt the library from {data['rebuilt']} events.")
    if ctx.args.compact:
        before, after = p.compact()
        data["compacted"] = {"before": before, "after": after}
        lines.append(f"Compacted the library: {_mb(before)} -> {_mb(after)} on disk.")
    data["free_bytes"] = p.db.free_bytes()
    if data["free_bytes"] >= FREE_WORTH_SAYING:
        lines.append(
            f"{_mb(data['free_bytes'])} of the library are free pages; "
            "'casebook doctor --compact' gives them back."
        )
    return data, "\n".join(lines)


FREE_WORTH_SAYING = 16 * 1024 * 1024


def _mb(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


COMMANDS: dict[str, Callable[[Context], Output]] = {
    "init": init,
    "whoami": whoami,
    "about": about_casebook,
    "network": network,
    "post": post,
    "edit": edit,
    "comment": comment,
    "endorse": endorse,
    "outcome": outcome,
    "check": check,
    "status": status,
    "withdraw": withdraw,
    "export": export,
    "list": list_cases,
    "show": show,
    "search": search,
    "attachment": attachment,
    "passphrase": passphrase,
    "doctor": doctor,
    "invite": network_commands.invite,
    "join": network_commands.join,
    "member": network_commands.member,
    "moderate": network_commands.moderate,
    "bundle": network_commands.bundle,
    "device": device_commands.device,
    "recovery-key": device_commands.recovery_key,
    "recover": device_commands.recover,
    "backup": device_commands.backup,
    "restore": device_commands.restore,
    "sync": sync_commands.sync,
    "relay": sync_commands.relay,
    "poll": poll_commands.poll,
    "queue": queue_commands.queue,
    "flag": flag_commands.flag,
    "moderation": flag_commands.moderation,
    "remind": followup_commands.remind,
    "reminders": followup_commands.reminders,
    "opinion": opinion_commands.opinion,
}
__all__ = ["COMMANDS", "Context", "DoctorFailed"]
