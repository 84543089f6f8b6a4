"""The frozen `casebook-relay` command."""

from casebook.relay.cli import main

raise SystemExit(main())
