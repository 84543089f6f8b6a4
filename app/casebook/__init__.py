"""Casebook: a private, end-to-end encrypted case library for invitation-only networks."""

__version__ = "0.1.0"
