"""Alembic migrations of the local database; `agent_app.storage.engine` runs them at start-up."""
