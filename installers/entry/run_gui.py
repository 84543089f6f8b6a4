"""The frozen `casebook-gui` executable."""

from casebook.gui.app import main

raise SystemExit(main())
