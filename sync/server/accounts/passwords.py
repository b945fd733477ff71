"""A person chooses their own password: after a reset (the one-time code must be changed at
the next sign-in: login answers 403 `password_change_required`) or whenever they like. The
current password is checked under the login's rate limits and throttle."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from agent_app.domain.messages import Text
from sync.server import config, db, security, throttle
from sync.server.accounts.logins import verify_password
from sync.server.admin.common import FieldError, check_password, record_action


def change_password(
    engine: Engine,
    settings: config.Settings,
    code: str,
    password: str,
    new_password: str,
    client: str = "-",
    gate: throttle.HashGate | None = None,
) -> None:
    """Replaces the account's password by `new_password` (the password rules; not the
    current one) once `password` is checked; clears `must_change_password`."""
    check_password("new_password", new_password)
    if new_password == password:
        raise FieldError(
            "new_password", Text.of("Choose a new password, not the one you have now.")
        )
    agent = verify_password(engine, settings, code, password, client, gate)
    new_hash = security.hash_password(settings, new_password)
    agents = db.table(db.Agent)
    with db.write_transaction(engine) as conn:
        record_action(conn, "change-password", agent.code, by=agent.code)
        conn.execute(
            agents.update()
            .where(agents.c.code == agent.code, agents.c.password_hash == agent.password_hash)
            .values(password_hash=new_hash, must_change_password=False)
        )
