#!/usr/bin/env bash
# The system libraries Casebook needs from the machine: Qt's runtime libraries (its xcb
# and offscreen platforms), fontconfig and a font. `make run`, `make test` and `.ci/run`
# call this first. On Debian/Ubuntu it installs what is missing with apt when it can (as
# root, or with sudo that needs no password); otherwise it stops, before anything starts,
# with the one command to run. macOS and Windows need nothing from the system.
#
#   installers/system-deps.sh [run|test|installer]
#
# test adds Xvfb (GUI tests under X), binutils and xz-utils (the installer tests),
# iproute2 (the LAN tests put computers in network namespaces) and postgresql (the relay
# suite runs against PostgreSQL too: the tests start a throwaway cluster of their own);
# installer adds what `make installer` and its smoke test use: fonts-dejavu-extra (the
# italic faces the bundle carries for teaching PDFs), binutils (PyInstaller reads
# and strips the libraries with it), debootstrap (the smoke test's clean Debian) and
# iproute2 (its LAN step runs in a network namespace).
set -euo pipefail

[ "$(uname -s)" = Linux ] || exit 0

packages="libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6
    libdbus-1-3 libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
    libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libwayland-client0
    libwayland-cursor0 libwayland-egl1 fonts-dejavu-core"
case "${1:-run}" in
    test) packages="$packages xvfb make binutils xz-utils iproute2 postgresql" ;;
    installer) packages="$packages make binutils xz-utils debootstrap iproute2 fonts-dejavu-extra" ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
    # Not Debian-like: we cannot name the packages, but we can say what Qt will look for.
    if command -v ldconfig >/dev/null 2>&1 && ! ldconfig -p 2>/dev/null | grep -q 'libxcb-cursor\.so\.0'; then
        echo "casebook: Qt needs libxcb-cursor (and libGL, libEGL, fontconfig); install them" \
            "with your system's package manager, then run make again." >&2
        exit 1
    fi
    exit 0
fi

installed() {
    # A package, or its renamed 64-bit-time twin (Ubuntu 24.04: libglib2.0-0t64).
    local name
    for name in "$1" "$1t64"; do
        if dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q 'install ok installed'; then
            return 0
        fi
    done
    return 1
}

missing=""
for package in $packages; do
    installed "$package" || missing="$missing $package"
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" = 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    echo "casebook: system packages are missing. Install them, then run make again:" >&2
    echo "  sudo apt-get install --no-install-recommends$missing" >&2
    exit 1
fi

echo "casebook: installing system packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
# shellcheck disable=SC2086
"${as_root[@]}" apt-get install -y -qq --no-install-recommends $missing >/dev/null
