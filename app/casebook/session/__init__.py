"""The headless application session the CLI and the GUI share."""

from casebook.session.session import NetworkChoice, Session

__all__ = ["NetworkChoice", "Session"]
