"""A deterministic probe of SQLite's read-then-write race (db.write_transaction).

`WriteRace(engine)`: just before each transaction's first write statement on `engine`, a second
connection that does not wait (timeout 0) commits a write of its own. If the database is locked,
the transaction took the write lock when it began (`BEGIN IMMEDIATE`): `refused` counts it. If
the probe's write goes through (`slipped_in`), a deferred transaction that read before would now
fail its first write at once with "database is locked" (SQLITE_BUSY_SNAPSHOT under WAL), whatever
the busy timeout: the failure the rule prevents, made to happen on every run, without a sleep.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def sqlite_copy(tmp_path: Path, template: Path) -> str:
    """A fresh migrated SQLite database (a copy of the session's template): its URL."""
    path = tmp_path / "server.sqlite3"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


class WriteRace:
    def __init__(self, engine: Engine) -> None:
        database = engine.url.database
        assert engine.dialect.name == "sqlite" and database, "the race is SQLite's"
        self.engine = engine
        self.path = database
        self.refused = 0
        self.slipped_in = 0
        self._probed: list[Any] = []  # the transactions already probed (kept alive: no id reuse)

    def __enter__(self) -> WriteRace:
        event.listen(self.engine, "before_cursor_execute", self._before)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)

    def _before(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        words = statement.split(None, 1)
        transaction = conn.get_transaction()
        if not words or words[0].upper() not in WRITES or transaction is None:
            return
        if any(transaction is seen for seen in self._probed):
            return
        self._probed.append(transaction)
        probe = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            probe.execute(
                "INSERT OR REPLACE INTO server_meta (key, value) VALUES ('race_probe', ?)",
                (str(len(self._probed)),),
            )
            self.slipped_in += 1
        except sqlite3.OperationalError as error:
            assert "locked" in str(error), error
            self.refused += 1
        finally:
            probe.close()
