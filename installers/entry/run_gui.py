"""The frozen `casebook-gui` executable."""

import multiprocessing
import sys

if __name__ == "__main__":
    # A long sync's verification workers are this program started again (spawn):
    # freeze_support runs the worker in them and never returns there.
    multiprocessing.freeze_support()
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
