#!/usr/bin/env bash
# The .deb on a machine like a user's: a minimal Debian 12 with no Python. First as a
# relay server installs it (apt-get install --no-install-recommends: no display stack):
# as an ordinary user, the command-line flow (a profile, a network, a case, a search, a
# relay hosted with `casebook relay host` and a second profile joining through it), the
# relay as its systemd unit runs it, and the app refusing in one line. Then removed and
# installed as a desktop user would (apt-get install, Recommends included), over itself
# once more (an upgrade's maintainer scripts), and the app started offscreen to its
# welcome screen, whose picture is saved as dist/smoke/welcome.png.
#
#   installers/smoke-test.sh [dist/casebook_VERSION_ARCH.deb]     (as root; .ci/run runs it)
#
# The clean Debian comes from debootstrap (--variant=minbase) and is kept as a tarball in
# $CASEBOOK_SMOKE_CACHE (default /var/cache/casebook-smoke), with the packages apt
# downloads, so a second run on the same machine fetches only apt's package lists. Every
# command has a time limit; everything runs on 127.0.0.1; one run at a time per cache.
set -euo pipefail
cd "$(dirname "$0")/.."

deb=$(realpath "${1:-$(ls -t dist/casebook_*.deb 2>/dev/null | head -n 1)}")
[ -f "$deb" ] || { echo "smoke-test: no .deb; run make installer first." >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "smoke-test: run as root (it makes a chroot)." >&2; exit 2; }
cache=${CASEBOOK_SMOKE_CACHE:-/var/cache/casebook-smoke}
mirror=${CASEBOOK_DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
out=dist/smoke
mkdir -p "$cache/apt" "$out"
exec 9>"$cache/lock"
flock -w 1800 9 || { echo "smoke-test: another run holds $cache/lock." >&2; exit 1; }
rm -f "$out"/*

started=$SECONDS
step() { printf 'smoke-test: %-58s (%ss)\n' "$1" "$((SECONDS - started))"; }
expect() {  # expect WHAT OUTPUT: the output must contain WHAT
    grep -qF -- "$1" <<<"$2" || { echo "smoke-test: expected '$1' in: $2" >&2; exit 1; }
}
free_port() {  # a port nothing on 127.0.0.1 uses now
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
listening() {  # listening PID LOG: wait up to 20 s for 127.0.0.1:$port, or fail
    for _ in $(seq 200); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        kill -0 "$1" 2>/dev/null || { cat "$2" >&2; exit 1; }
        sleep 0.1
    done
    echo "smoke-test: nothing listens on 127.0.0.1:$port after 20 s." >&2
    cat "$2" >&2
    exit 1
}

base="$cache/debian-$suite-minbase.tar"
if [ ! -f "$base" ]; then
    step "making a minimal Debian ($suite) with debootstrap"
    fresh=$(mktemp -d /var/tmp/casebook-debootstrap.XXXXXX)
    trap 'umount -R -l "$fresh"/* 2>/dev/null; rm -rf --one-file-system "$fresh"' EXIT
    timeout 900 debootstrap --variant=minbase "$suite" "$fresh" "$mirror" \
        >"$cache/debootstrap.log" 2>&1 || { tail -n 20 "$cache/debootstrap.log" >&2; exit 1; }
    chmod 0755 "$fresh"  # the tarball's / (mktemp made it 0700)
    tar -C "$fresh" -cf "$base.partial" . && mv "$base.partial" "$base"
    umount -R -l "$fresh"/* 2>/dev/null || true
    rm -rf --one-file-system "$fresh"
    trap - EXIT
fi

root=$(mktemp -d /var/tmp/casebook-smoke.XXXXXX)
relay_pid=""
netns=""
cleanup() {
    [ -z "$relay_pid" ] || kill "$relay_pid" 2>/dev/null || true
    [ -z "$netns" ] || ip netns del "$netns" 2>/dev/null || true
    for mount in var/cache/apt/archives dev/shm dev proc; do
        umount -l "$root/$mount" 2>/dev/null || true
    done
    if grep -qF " $root/" /proc/mounts; then  # never delete through a mount still in place
        echo "smoke-test: mounts remain under $root; left for inspection." >&2
        return
    fi
    rm -rf --one-file-system "$root"
}
trap cleanup EXIT
tar -C "$root" -xf "$base"
chmod 0755 "$root"  # its / : every user must be able to enter it
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --make-rslave "$root/dev"  # what is mounted under it stays out of the host's /dev
# A system's /dev/shm (POSIX semaphores: a long sync's worker processes need them); the
# bind above leaves only the empty, root-owned folder the host mounts its own on.
mount -t tmpfs -o mode=1777,size=64m tmpfs "$root/dev/shm"
mount --bind "$cache/apt" "$root/var/cache/apt/archives"
cp /etc/resolv.conf "$root/etc/resolv.conf"
echo "deb $mirror $suite main" >"$root/etc/apt/sources.list"

in_root() { chroot "$root" "$@"; }
if in_root sh -c 'command -v python3 || command -v python' >/dev/null; then
    echo "smoke-test: the clean Debian has a Python; the test would prove nothing." >&2
    exit 1
fi

apt_get() {  # apt_get ARGS...: in the chroot, logged, with a time limit
    DEBIAN_FRONTEND=noninteractive timeout 900 chroot "$root" apt-get -y -qq "$@" \
        >>"$out/apt.log" 2>&1 || { tail -n 20 "$out/apt.log" >&2; exit 1; }
}
packages() { in_root dpkg-query -W -f='${db:Status-Abbrev}\n' | grep -c '^ii'; }
used() { in_root du -sx --block-size=1M --exclude=/var/cache/apt/archives / | cut -f1; }

step "installing $(basename "$deb") as a relay server: no Recommends"
cp "$deb" "$root/tmp/"
timeout 600 chroot "$root" apt-get update -qq >/dev/null
before_packages=$(packages) before_mb=$(used)
apt_get install --no-install-recommends "./tmp/$(basename "$deb")"
echo "  +$(($(packages) - before_packages)) packages, +$(($(used) - before_mb)) MB on disk"
if in_root dpkg-query -W -f='${db:Status-Abbrev}' libgl1 2>/dev/null | grep -q '^ii'; then
    echo "smoke-test: libgl1 was installed without Recommends" >&2
    exit 1
fi

in_root useradd --create-home --uid 4242 physician
# run_as USER [VAR=value ...] COMMAND...: in the chroot under a time limit, exec'd all the
# way down (timeout, chroot, setpriv, env), so $! is the timeout process, which passes a
# TERM on to the command.
run_as() {
    local user=$1
    shift
    exec timeout 120 chroot "$root" setpriv --reuid="$user" --regid="$user" --init-groups \
        env -i PATH=/usr/bin:/bin LANG=C.UTF-8 "$@"
}
as_user() {
    run_as physician HOME=/home/physician CASEBOOK_PASSPHRASE="smoke test passphrase" "$@"
}
as_service() { run_as casebook-relay "$@"; }
step "the command line: profile, network, case, search, teaching PDF"
expect "casebook 0" "$(as_user casebook --version)"
expect "casebook-relay 0" "$(as_user casebook-relay --version)"
# About lists the bundled libraries with their licences (their metadata is bundled).
expect "cryptography 50" "$(as_user casebook about)"
expect "PySide6-Essentials 6" "$(as_user casebook about)"
(as_user casebook --profile /home/physician/alice init --name "Dr. Alice Moreau") >/dev/null
port=$(free_port)
url=$(as_user casebook --profile /home/physician/alice relay url --listen "127.0.0.1:$port")
expect "casebook-relay://" "$url"
(as_user casebook --profile /home/physician/alice network create "Smoke Circle" \
    --relay "$url" --json) >/dev/null
case_id=$(as_user casebook --profile /home/physician/alice post --network "Smoke Circle" \
    --title "Exertional chest pain in a marathon runner" \
    --body "Troponin normal, stress echo pending. What next?" \
    --consent verbal --consent-scope network,teaching --json \
    | sed -n 's/.*"id": *"\([0-9a-f]*\)".*/\1/p')
expect "marathon runner" "$(as_user casebook --profile /home/physician/alice search troponin --json)"
# A teaching PDF, set in the DejaVu Sans the bundle carries (fpdf2, Pillow, fontTools).
(as_user casebook --profile /home/physician/alice export "$case_id" --format pdf \
    --out /home/physician/teaching.pdf) >/dev/null
expect "%PDF-" "$(head -c 5 "$root/home/physician/teaching.pdf")"
grep -q "DejaVu" "$root/home/physician/teaching.pdf" \
    || { echo "smoke-test: the teaching PDF is not set in the bundled DejaVu Sans" >&2; exit 1; }
code=$(as_user casebook --profile /home/physician/alice invite create --network "Smoke Circle" \
    --json | sed -n 's/.*"code": *"\([^"]*\)".*/\1/p')
[ -n "$code" ] || { echo "smoke-test: invite create printed no code" >&2; exit 1; }

step "a relay hosted with casebook relay host; a second profile joins"
(as_user casebook --profile /home/physician/alice relay host --network "Smoke Circle" \
    --listen "127.0.0.1:$port") 2>"$root/tmp/relay.log" &
relay_pid=$!
listening "$relay_pid" "$root/tmp/relay.log"
(as_user casebook --profile /home/physician/bob init --name "Dr. Bob Okafor") >/dev/null
# Verified in worker processes whatever its size (a long catch-up's way): the frozen
# program must start its workers as itself (multiprocessing.freeze_support).
joined=$(as_user CASEBOOK_PROCESSES_FROM=1 CASEBOOK_LOG_DIR=/home/physician/joinlog \
    casebook --profile /home/physician/bob join "$code" 2>&1)
expect "Smoke Circle" "$joined"
expect "verifying in 2 processes" "$(cat "$root/home/physician/joinlog/casebook-cli.log")"
if grep -q "verifying in processes failed" "$root/home/physician/joinlog/casebook-cli.log"; then
    echo "smoke-test: the frozen casebook could not verify in processes" >&2
    exit 1
fi
expect "marathon runner" "$(as_user casebook --profile /home/physician/bob search troponin --json)"
kill -TERM "$relay_pid"
wait "$relay_pid" || { cat "$root/tmp/relay.log" >&2; exit 1; }
relay_pid=""

step "LAN sync (zeroconf) in a network namespace with loopback only"
# Its own namespace: the test never goes on this machine's LAN. Nobody is there, so the
# bundled zeroconf browses and the command says so in one line, with exit code 5.
netns="casebook-smoke-$$"
ip netns add "$netns"
ip -n "$netns" link set lo up
set +e
lan=$(ip netns exec "$netns" bash -c "$(declare -f run_as as_user); root=$root; \
    as_user CASEBOOK_LAN=on casebook --profile /home/physician/bob sync --lan --wait 2" 2>&1)
status=$?
set -e
ip netns del "$netns"
netns=""
[ "$status" = 5 ] || { echo "smoke-test: sync --lan exited $status: $lan" >&2; exit 1; }
expect "No colleague from your networks was found" "$lan"

step "the relay as its systemd unit runs it, as its own user"
unit=/usr/lib/systemd/system/casebook-relay.service
in_root getent passwd casebook-relay >/dev/null
command=$(sed -n 's/^ExecStart=//p' "$root$unit")
port=$(free_port)
command=${command/0.0.0.0:7447/127.0.0.1:$port}  # loopback only, on a free port
expect "--data /var/lib/casebook-relay --listen 127.0.0.1:$port" "$command"
install -d -m 0700 "$root/var/lib/casebook-relay"  # what StateDirectory= makes
in_root chown casebook-relay:casebook-relay /var/lib/casebook-relay
# shellcheck disable=SC2086
(as_service $command) 2>"$root/tmp/service.log" &
relay_pid=$!
listening "$relay_pid" "$root/tmp/service.log"
expect "casebook-relay://127.0.0.1:$port/" "$(as_service casebook-relay url \
    --data /var/lib/casebook-relay --host 127.0.0.1 --port "$port")"
(as_service casebook-relay status --data /var/lib/casebook-relay) >/dev/null
# PostgreSQL support is bundled (psycopg and its libpq): with no server there, one line.
expect "cannot use the relay's database at postgresql://127.0.0.1:1/smoke" \
    "$(as_service casebook-relay status --database postgresql://smoke@127.0.0.1:1/smoke 2>&1)"
kill -TERM "$relay_pid"
wait "$relay_pid" || { cat "$root/tmp/service.log" >&2; exit 1; }
relay_pid=""

step "without the display libraries the app says so in one line"
if gui=$(as_user casebook-gui --version 2>&1); then
    echo "smoke-test: casebook-gui started without libGL: $gui" >&2
    exit 1
fi
echo "  $gui"
expect "sudo apt-get install --install-recommends casebook" "$gui"
[ "$(wc -l <<<"$gui")" = 1 ] || { echo "smoke-test: more than one line: $gui" >&2; exit 1; }

step "removed, then installed as a desktop user would (Recommends too)"
apt_get remove casebook
before_packages=$(packages) before_mb=$(used)
apt_get install "./tmp/$(basename "$deb")"
echo "  +$(($(packages) - before_packages)) packages, +$(($(used) - before_mb)) MB on disk"
in_root dpkg-query -W -f='  ${Installed-Size} KiB: ${Package} ${Version}\n' casebook
apt_get install --reinstall "./tmp/$(basename "$deb")"  # an upgrade's maintainer scripts
expect "install ok installed" "$(in_root dpkg-query -W -f='${Status}' casebook)"
in_root getent passwd casebook-relay >/dev/null

step "the app, offscreen, to its welcome screen"
(as_user env QT_QPA_PLATFORM=offscreen casebook-gui --profile /home/physician/gui \
    --screenshot /home/physician/welcome.png) 2>"$out/gui.log" \
    || { cat "$out/gui.log" >&2; exit 1; }
if grep -q "Traceback" "$out/gui.log"; then cat "$out/gui.log" >&2; exit 1; fi
cp "$root/home/physician/welcome.png" "$out/welcome.png"
[ "$(stat -c %s "$out/welcome.png")" -gt 10000 ] || { echo "smoke-test: the picture is empty." >&2; exit 1; }
step "passed; the welcome screen is $out/welcome.png"
