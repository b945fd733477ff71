"""Assignments end to end (issue 13): the supervisor assigns a business through
`/v1/admin/assignments` on the real server process, a real laptop engine pulls it, the agent
marks it done, the next sync pushes the status, and the server's list shows it done."""

from __future__ import annotations

import datetime as dt
from typing import Any

import requests
from test_admin_review_e2e import bearer

from agent_app.domain import clock
from agent_app.services import assignments, businesses


def test_an_assignment_goes_to_the_laptop_and_comes_back_done(
    make_laptop: Any, server: Any
) -> None:
    laptop = make_laptop("AG002")
    shop = laptop.call(businesses.register_business, {"name": "Warung Tugas E2E"})
    assert laptop.sync().applied >= 1

    office = bearer(server.base_url, "SV001")
    url = f"{server.base_url}/v1/admin/assignments"
    due = clock.today("Asia/Jakarta") + dt.timedelta(days=2)
    made = requests.post(
        url,
        json={
            "business_id": shop.id,
            "agent_code": "AG002",
            "kind": "follow_up",
            "due_on": due.isoformat(),
            "note": "Tanyakan pekerja baru",
        },
        headers=office,
        timeout=30,
    )
    assert made.status_code == 201, made.text
    assignment_id = made.json()["id"]

    laptop.sync()
    [pulled] = [a for a in laptop.call(assignments.open_assignments) if a.id == assignment_id]
    assert (pulled.business_name, pulled.due_on, pulled.kind) == (
        "Warung Tugas E2E",
        due,
        "follow_up",
    )
    laptop.call(assignments.mark_done, assignment_id)
    report = laptop.sync()
    assert report.applied >= 1
    assert assignment_id not in [a.id for a in laptop.call(assignments.open_assignments)]

    listed = requests.get(url, params={"agent": "AG002"}, headers=office, timeout=30).json()
    [item] = [i for i in listed["items"] if i["id"] == assignment_id]
    assert item["status"] == "done"
    # another agent's laptop never pulls it
    other = make_laptop("AG001")
    other.sync()
    assert other.call(assignments.open_assignments) == []
