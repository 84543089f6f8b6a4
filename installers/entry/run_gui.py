"""The frozen `casebook-gui` executable."""

import sys

try:
    from casebook.gui.app import main
except ImportError as exc:  # a display library is missing: libGL, libEGL, libxcb…
    print(
        f"casebook-gui: {exc}. The desktop app needs the display libraries that the"
        " package recommends; on Debian or Ubuntu: sudo apt-get install --install-recommends"
        " casebook",
        file=sys.stderr,
    )
    raise SystemExit(1) from None

raise SystemExit(main())
