"""What devices cost the membership fold (issue 15): a network of members with several
computers each, linked and some revoked with the member key, against a baseline of
the same members and the same number of membership events without devices, folded in
the same process.

    .venv/bin/python bench/devices_bench.py                 # 300 members, 3 computers each
    .venv/bin/python bench/devices_bench.py --members 100 --devices 5

The fold runs on every computer and at the relay for each device event (a device event
is never applied on its own, see docs/protocol.md), so its time is what one linking or
revocation costs the relay. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).parent.parent / "tests" / "core" / "model")]
from foldkit import Person, Story  # noqa: E402

from casebook.core.model.membership import fold  # noqa: E402

POLICY = {"policy": {"invite": "admins", "role": "member"}}


def network(members: int, devices: int, with_devices: bool) -> Story:
    founder = Person("founder")
    story = Story(founder)
    people = [founder]
    for n in range(members - 1):
        person = Person(f"member-{n}")
        story.join(person, story.invite(founder))
        people.append(person)
    for person in people:
        for d in range(devices - 1):
            if with_devices:
                computer = Person(f"{person.name}-{d}")
                story.add_device(computer, person)
                if d == 0:  # one lost computer each, revoked with the member key
                    story.revoke_device(person, computer, signed_by=person)
            else:  # the same number of membership events, of a kind without devices
                story.write(founder, "network.policy", POLICY)
                if d == 0:
                    story.write(founder, "network.policy", POLICY)
    return story


def timed(story: Story, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        fold(story.net, story.entries)
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--devices", type=int, default=3, help="computers per member")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    base = network(args.members, args.devices, with_devices=False)
    devices = network(args.members, args.devices, with_devices=True)
    baseline, measured = timed(base, args.rounds), timed(devices, args.rounds)
    print(
        f"{args.members} members, {args.devices} computers each "
        f"({len(devices.entries)} membership events; baseline {len(base.entries)})"
    )
    b, m = statistics.median(baseline), statistics.median(measured)
    print(f"  baseline fold (no devices):   median {b * 1000:7.1f} ms")
    print(f"  fold with devices (settled):  median {m * 1000:7.1f} ms   ratio {m / b:.2f}")


if __name__ == "__main__":
    main()
