"""Local storage of the desktop app: SQLAlchemy 2.x on an SQLCipher file (no Qt).

- `engine.open_engine(path, key)`: opens (and migrates) the encrypted database; a wrong key
  raises `WrongKey`.
- `uow.SqlUnitOfWork(engine)`: one transaction with the repositories as attributes.
- `store.LocalStore(engine)`: what the sync engine reads and writes.
- `tables`: the schema; `migrations/`: Alembic scripts run at start-up; `wire`: records to and
  from the wire form of SYNC_PROTOCOL.md; `rows`: small frozen row objects for lists.
"""

from agent_app.storage.engine import StorageError, WrongKey, open_engine

__all__ = ["StorageError", "WrongKey", "open_engine"]
