"""The frozen `casebook` command."""

import multiprocessing

if __name__ == "__main__":
    # A long sync's verification workers are this program started again (spawn):
    # freeze_support runs the worker in them and never returns there.
    multiprocessing.freeze_support()
    from casebook.cli import main

    raise SystemExit(main())
