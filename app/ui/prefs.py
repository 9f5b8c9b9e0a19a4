"""Window preferences of each user (columns, saved filters, sizes), kept in the data folder.

Kept beside the data rather than in the Windows registry: several officers
share a PC, and a restored backup brings their layout back.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from app.paths import DataPaths


class UiPrefs:
    def __init__(self, paths: DataPaths, username: str) -> None:
        self._settings = QSettings(str(paths.root / "giao-dien.ini"), QSettings.Format.IniFormat)
        self._prefix = f"{username}/"

    def bytes(self, key: str) -> QByteArray | None:
        value = self._settings.value(self._prefix + key)
        return value if isinstance(value, QByteArray) else None

    def set_bytes(self, key: str, value: QByteArray) -> None:
        self._settings.setValue(self._prefix + key, value)

    def json(self, key: str, default: Any) -> Any:
        value = self._settings.value(self._prefix + key)
        if not isinstance(value, str):
            return default
        try:
            return json.loads(value)
        except ValueError:
            return default

    def set_json(self, key: str, value: Any) -> None:
        self._settings.setValue(self._prefix + key, json.dumps(value, ensure_ascii=False))

    def sync(self) -> None:
        self._settings.sync()
