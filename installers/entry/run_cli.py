"""The frozen `casebook` command."""

from casebook.cli import main

raise SystemExit(main())
