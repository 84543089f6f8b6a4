"""This profile's own preferences, stored (encrypted) beside its library.

Values are JSON. Nothing here travels: settings are not events.
"""

from __future__ import annotations

import json
from typing import Any

from casebook.store.database import Database

# What the app falls back to when a preference was never set.
DEFAULTS: dict[str, Any] = {
    "host_relay": None,  # {"port": 7447, "host": "192.168.1.20"} to host the relay here
    "lock_minutes": 15,  # lock the window after this long without use; 0: never
    "lan_sync": True,  # the app syncs with colleagues on the LAN while a library is open
    "theme": "system",  # or "light", "dark"
    "saved_searches": [],  # [{"name", "query", "net" (hex or None), "tag"}]
}


class Settings:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, key: str) -> Any:
        text = self.db.scalar("SELECT value FROM settings WHERE key = ?", (key,))
        return DEFAULTS.get(key) if text is None else json.loads(text)

    def set(self, key: str, value: Any) -> None:
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )
