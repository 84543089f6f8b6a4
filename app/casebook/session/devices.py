"""Linking a computer, for the CLI and the app: the link code, waiting for the new
computer on the one that has the library, and setting the new one up from the code.

The handover itself is ``sync/device_link.py`` (through a relay); what is handed over is
``core/network/devices.py``. After the handover the linking computer syncs the new
device's certificates to the relay, and the new computer catches up the library.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casebook.core import backup as backups
from casebook.core import profile as profiles
from casebook.core.model import recovery
from casebook.core.model.identity import Identity
from casebook.core.model.invite_codes import InviteCodeError
from casebook.core.model.link_codes import LinkCode
from casebook.core.model.relayaddr import RelayAddress
from casebook.core.profile import Profile
from casebook.errors import ProfileExists, UsageError, say
from casebook.protocol import wire
from casebook.sync import device_link
from casebook.sync.engine import SyncEngine
from casebook.sync.link import RelayLink, SyncError


def _free(directory: Path) -> None:
    """Refuse a place that holds a profile or is a file."""
    if profiles.exists(directory):
        raise ProfileExists(say("A profile already exists in {0}; nothing was changed.", directory))
    if directory.exists() and not directory.is_dir():
        raise UsageError(
            say("{0} is a file, not a folder for a profile; choose another.", directory)
        )


def _undo(directory: Path, before: set[Path] | None) -> None:
    """Remove what a refused restore wrote in ``directory`` (all of it when the folder
    was new; otherwise exactly the entries that were not there before)."""
    if before is None:
        shutil.rmtree(directory, ignore_errors=True)
        return
    for path in directory.iterdir():
        if path in before:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def new_code(profile: Profile) -> LinkCode:
    """A one-time link code naming the relays of this member's networks."""
    places = list(profile.devices.link_places())[:8]
    if not places:
        raise UsageError(
            "None of your networks names a relay, and linking a computer goes through "
            "one: add a relay to a network (or host one) first."
        )
    return LinkCode.make(tuple(places), int(time.time() * 1000))


def read_code(text: str) -> LinkCode:
    try:
        code = LinkCode.decode(text)
    except InviteCodeError as exc:
        raise UsageError(str(exc)) from None
    if code.expires < time.time() * 1000:
        raise UsageError(
            "This link code has expired (they last ten minutes); make a new one on the "
            "computer that has your library."
        )
    return code


async def link(
    profile: Profile,
    engine: SyncEngine,
    code: LinkCode,
    confirm: Callable[[str, str], Awaitable[bool]],
    waiting: Callable[[], None] = lambda: None,
) -> dict[str, Any]:
    """On the computer that has the library: wait for the new computer, hand over,
    sync its certificates to the relays. Returns what happened, with the time taken.
    ``waiting`` is called once the code works (the relay holds its slot)."""
    started = time.monotonic()
    places = profile.devices.link_places()

    async def login(address: RelayAddress) -> RelayLink:
        nets = places.get(address, [])
        if not nets:
            raise UsageError("The link code names a relay none of your networks uses.")
        opened = await RelayLink.open(address)
        try:
            await opened.login(profile.identity, nets[0], {}, probe=True)
        except BaseException:
            await opened.close()
            raise
        return opened

    def package_for(device: bytes, xkey: bytes, name: str) -> bytes:
        return profile.devices.package(code.secret, device, xkey, name, profile.name)

    async def after_adds(adds: list[bytes]) -> None:
        profile.devices.take_adds(adds)
        for address, nets in places.items():
            for net in nets:
                report = await engine.sync(net, address)
                if report.error is not None:
                    raise SyncError("relay", report.error)

    name = await device_link.offer(code, login, package_for, confirm, after_adds, waiting)
    return {"linked": name, "seconds": round(time.monotonic() - started, 2)}


@dataclass
class Joined:
    profile: Profile
    seconds: float
    caught_up: list[str]  # errors of networks that did not catch up (empty: all did)


async def join(
    directory: Path,
    passphrase: str,
    code: LinkCode,
    device_name: str,
    shown: Callable[[str], None],
    kdf_target_ms: int | None = None,
) -> Joined:
    """On the new computer: make its profile from the package the other computer hands
    over (the same member, a new device), then catch up every network."""
    _free(directory)
    profiles.check_new_passphrase(passphrase)
    started = time.monotonic()
    device = Identity.generate()
    made: list[Profile] = []

    def adopt(package: dict[str, Any]) -> list[bytes]:
        name, member = package.get("name"), package.get("member")
        if not isinstance(name, str) or not isinstance(member, bytes) or len(member) != 32:
            raise UsageError("The device package is malformed; nothing was set up.")
        box_key = package.get("box")
        profile = Profile.create(
            directory,
            name,
            passphrase,
            kdf_target_ms,
            device=device,
            member=member,
            device_name=device_name,
            box_key=box_key if isinstance(box_key, bytes) and len(box_key) == 32 else None,
        )
        made.append(profile)
        return profile.devices.adopt(package)

    try:
        await device_link.accept(code, device, device_name, shown, adopt)
    except BaseException:
        for profile in made:  # set up, but the other computer never took it in
            with contextlib.suppress(Exception):
                profile.close()
        raise
    profile = made[0]
    errors = await _catch_up(profile)
    return Joined(profile, round(time.monotonic() - started, 2), errors)


async def recover(
    directory: Path,
    passphrase: str,
    key: str,
    relay: RelayAddress | None,
    device_name: str,
    kdf_target_ms: int | None = None,
) -> Joined:
    """On a fresh computer with the recovery key: fetch the member's recovery box from
    ``relay``, make this computer a new device of theirs (certified by the member key)
    in every network the box names, and catch up."""
    _free(directory)
    seed = recovery.typed_key(key)
    profiles.check_new_passphrase(passphrase)
    if relay is None:
        raise UsageError(
            "Give the address of a relay of one of your networks with --relay (it is on "
            "your printed recovery sheet; a colleague sees it with: casebook network show)."
        )
    started = time.monotonic()
    signer = recovery.MemberSigner(seed)
    sealed = await device_link.fetch_box(relay, signer)
    try:
        box = recovery.open_box(seed, signer.public_key, sealed)
    except recovery.RecoveryKeyError as exc:
        raise UsageError(str(exc)) from None
    name = box.get("name")
    if not isinstance(name, str) or not isinstance(box.get("networks"), list):
        raise UsageError("The relay's recovery box is malformed; try another relay.")
    profile = Profile.create(
        directory,
        name,
        passphrase,
        kdf_target_ms,
        device=Identity.generate(),
        member=signer.public_key,
        device_name=device_name,
        member_seed=seed,
    )
    try:
        profile.recovery.adopt(box, signer, device_name)
        errors = await _catch_up(profile)
    except BaseException:
        profile.close()
        raise
    return Joined(profile, round(time.monotonic() - started, 2), errors)


async def _catch_up(profile: Profile) -> list[str]:
    """Sync every network with every relay once; the errors of those that failed."""
    errors: list[str] = []
    engine = SyncEngine(profile)
    try:
        for net in engine.networks():
            for address in engine.relays(net):
                report = await engine.sync(net, address)
                if report.error is not None:
                    errors.append(report.error)
    finally:
        engine.close()
    return errors


async def restore(directory: Path, source: Path, passphrase: str, key: str | None) -> Joined:
    """A profile in ``directory`` from the backup ``source``: the same computer as the
    one backed up. Refused when the relays hold events that computer wrote after the
    backup (it may still be in use: two computers writing one chain would fork it)."""
    backup = backups.read(source)
    seed = None
    if backup.sealed_with == "recovery-key":
        seed = recovery.typed_key(key or "")
    _free(directory)
    before = set(directory.iterdir()) if directory.exists() else None
    started = time.monotonic()
    profile = backups.restore(
        backup,
        directory,
        passphrase,
        passphrase=passphrase if seed is None else None,
        seed=seed,
    )
    try:
        ahead, unchecked = await _later_at_relays(profile)
    except BaseException:
        profile.close()
        _undo(directory, before)
        raise
    if ahead:
        profile.close()
        _undo(directory, before)
        raise UsageError(
            say(
                (
                    "The relay {0} holds events this computer wrote after the backup was "
                    "made: the computer it came from may still be in use, and two computers"
                    " writing as one would conflict. Nothing was restored. To use Casebook "
                    "here too, link this computer (casebook device link on the other one); "
                    "if that computer is lost, use casebook recover with your recovery key."
                ),
                ahead[0],
            )
        )
    return Joined(profile, round(time.monotonic() - started, 2), unchecked)


async def _later_at_relays(profile: Profile) -> tuple[list[str], list[str]]:
    """Relays holding more of this device's chain than the profile (``ahead``), and
    those that could not be asked (``unchecked``)."""
    chain = profile.identity.public_key
    ahead: list[str] = []
    unchecked: list[str] = []
    engine = SyncEngine(profile)
    try:
        for net in engine.networks():
            mine = engine.vector(net).get(chain, 0)
            for address in engine.relays(net):
                try:
                    link = await RelayLink.open(address)
                    try:
                        ready = await link.login(profile.identity, net, {}, probe=True)
                    finally:
                        await link.close()
                except SyncError as exc:
                    unchecked.append(exc.message)
                    continue
                try:
                    held = wire.need_vector(ready)
                except wire.ProtocolError:
                    unchecked.append(f"{address.host}:{address.port} answered oddly")
                    continue
                if held.get(chain, 0) > mine:
                    ahead.append(f"{address.host}:{address.port}")
    finally:
        engine.close()
    return ahead, unchecked
