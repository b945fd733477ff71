"""The reference central server of the sync protocol (SYNC_PROTOCOL.md).

FastAPI + SQLAlchemy, on SQLite by default and PostgreSQL in production, with its own Alembic
migrations and administration CLI (`python -m sync.server`). It imports nothing of the app but
the pure rules of `agent_app.domain`, so both ends judge a NIK or a quote the same way.
"""
