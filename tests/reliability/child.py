"""A laptop in a child process, for the tests that kill it (SIGKILL) at a chosen moment.

    python child.py sync DB URL AGENT LOG [BATCH]
                                               run sync cycles until the outbox is empty
                                               (in batches of BATCH ops when given)
    python child.py commit DB AGENT N HOW      register N businesses through the service, then
                                               end at once after the last commit: HOW is
                                               `exit` (os._exit) or `kill` (SIGKILL to itself)
    python child.py commit-loop DB AGENT LOG   register businesses until killed, printing
                                               `committed <id>` after each commit

Logging goes to LOG (scanned for personal data by logscan.py).
"""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from support import KEY, Laptop, business_fields


def _log_to(path: str) -> None:
    logging.basicConfig(
        filename=path, level=logging.DEBUG, format="%(asctime)s %(name)s %(message)s"
    )


def _services(db: str, agent: str):  # type: ignore[no-untyped-def]
    from agent_app.domain.keys import Role
    from agent_app.services import businesses
    from agent_app.services.actor import Actor
    from agent_app.storage import store as app_store
    from agent_app.storage.engine import open_engine
    from agent_app.storage.uow import SqlUnitOfWork

    engine = open_engine(Path(db), KEY)
    device = app_store.LocalStore(engine).device_id
    actor = Actor(
        agent,
        f"Agen {agent}",
        "PLG",
        Role.AGENT,
        device,
        # the same account key as the test process (tests/reliability/support.py)
        account_key=hashlib.sha256(f"account key {agent}".encode()).digest(),
    )

    def register(i: int) -> str:
        return businesses.register_business(SqlUnitOfWork(engine), actor, business_fields(i)).id

    return register


def main(argv: list[str]) -> int:
    command = argv[0]
    if command == "sync":
        db, url, agent, log_path = argv[1:5]
        _log_to(log_path)
        laptop = Laptop(Path(db), agent, url)
        if len(argv) > 5:
            laptop.sync = laptop._new_engine(batch_size=int(argv[5]))
        print("started", flush=True)
        laptop.drain(max_cycles=20, max_seconds=60)
        print("drained", flush=True)
        return 0
    if command == "commit":
        db, agent, count, how = argv[1], argv[2], int(argv[3]), argv[4]
        register = _services(db, agent)
        for i in range(count):
            business_id = register(900_000 + i)
        print(f"committed {business_id}", flush=True)
        if how == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(0)
    if command == "commit-loop":
        db, agent, log_path = argv[1:4]
        _log_to(log_path)
        register = _services(db, agent)
        deadline = time.monotonic() + 60
        i = 0
        while time.monotonic() < deadline:
            business_id = register(950_000 + i)
            print(f"committed {business_id}", flush=True)
            i += 1
        return 0
    raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
