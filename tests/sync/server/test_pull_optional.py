"""Optional pulled entities (`with`), on SQLite and PostgreSQL: a laptop from before
`assignment` (app 0.1.0: its `Change` parsed `entity` against a fixed list, reproduced here)
never gets one and parses every page, pages stay full and `has_more` true while more waits;
a laptop that declares `with=assignment` gets its own; a cursor made without it is 410 for a
pull that declares it, so an upgraded laptop starts over and skips nothing."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any, Literal

import pydantic
import pytest
from srv_support import Laptop, World, business_fields, op
from test_admin_assignments import assign, form, setup

PULL = "/v1/sync/pull"


class OldChange(pydantic.BaseModel):
    """`sync.protocol.Change` as app 0.1.0 had it."""

    model_config = pydantic.ConfigDict(extra="ignore")
    entity: Literal["business", "visit", "enrollment", "event", "target", "rate_table"]
    entity_id: uuid.UUID
    version: int
    deleted: bool
    fields: dict[str, Any]
    server_seq: int


class OldPage(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="ignore")
    changes: list[OldChange]
    next_cursor: str
    has_more: bool
    server_time: pydantic.AwareDatetime


def interleaved(world: World, people: dict[str, Any], rounds: int = 6) -> set[str]:
    """Businesses and A1's assignments made in turns (assignments last), so assignments sit
    between and after the changes an old laptop may see; the assignments' ids."""
    made = set()
    for n in range(rounds):
        people["A1"].push_one(
            op("business", "create", str(uuid.uuid4()), business_fields(f"Warung {n}"))
        )
        for _ in range(2):
            made.add(assign(world, people["S1"], form(people["plg_business"], "A1"))["id"])
    return made


def old_pull(laptop: Laptop, limit: int, cursor: str | None = None) -> list[OldPage]:
    pages = []
    while True:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        response = laptop.client.get(PULL, params=params, headers=laptop.headers)
        assert response.status_code == 200, response.text
        page = OldPage.model_validate_json(response.content)
        pages.append(page)
        cursor = page.next_cursor
        if not page.has_more:
            return pages


@pytest.mark.parametrize("limit", [1, 2, 3, 1000])
def test_a_laptop_that_does_not_declare_assignment_never_gets_one(world: World, limit: int) -> None:
    people = setup(world)
    assignments = interleaved(world, people)
    a1 = people["A1"]
    pages = old_pull(a1, limit)
    for page in pages[:-1]:  # every page but the last is full: none comes back short
        assert len(page.changes) == limit
        assert page.has_more
    seen = [str(c.entity_id) for page in pages for c in page.changes]
    everything, _ = a1.pull_all(limit=1000)
    assert {c["entity_id"] for c in everything} >= assignments
    others = [c["entity_id"] for c in everything if c["entity"] != "assignment"]
    assert seen == others  # the same changes in the same order, nothing skipped or repeated
    # The old cursor keeps working (as old laptops use it) and sees only what is new.
    made = assign(world, people["S1"], form(people["plg_business"], "A1"))["id"]
    shop = str(uuid.uuid4())
    a1.push_one(op("business", "create", shop, business_fields("Toko baru")))
    later = old_pull(a1, limit, pages[-1].next_cursor)
    assert [str(c.entity_id) for page in later for c in page.changes] == [shop]
    assert made not in seen


def test_the_old_parser_would_fail_on_an_assignment(world: World) -> None:
    """The check above means something: with `with=assignment` the old parser breaks."""
    people = setup(world)
    assign(world, people["S1"], form(people["plg_business"], "A1"))
    a1 = people["A1"]
    response = a1.client.get(PULL, params={"with": "assignment"}, headers=a1.headers)
    with pytest.raises(pydantic.ValidationError):
        OldPage.model_validate_json(response.content)


@pytest.mark.parametrize(
    "declared",
    [{"with": "assignment"}, {"with": ["consent_text", "assignment"]}, {"with": "x,assignment"}],
)
def test_a_laptop_that_declares_it_gets_its_own_assignments(
    world: World, declared: dict[str, Any]
) -> None:
    people = setup(world)
    mine = interleaved(world, people, rounds=3)
    theirs = assign(world, people["S1"], form(people["plg_business"], "A2"))["id"]
    for code, expected in (("A1", mine), ("A2", {theirs}), ("S1", set()), ("B1", set())):
        laptop = people[code]
        got: list[dict[str, Any]] = []
        cursor = None
        while True:  # small pages: none skipped at the page edges
            params = {"limit": 2, **declared, **({"cursor": cursor} if cursor else {})}
            response = laptop.client.get(PULL, params=params, headers=laptop.headers)
            assert response.status_code == 200, response.text
            page = response.json()
            got += page["changes"]
            cursor = page["next_cursor"]
            if not page["has_more"]:
                break
        assert {c["entity_id"] for c in got if c["entity"] == "assignment"} == expected, code


def test_a_cursor_made_without_assignment_starts_a_declaring_laptop_over(world: World) -> None:
    people = setup(world)
    a1 = people["A1"]
    made = assign(world, people["S1"], form(people["plg_business"], "A1"))["id"]
    _, old_cursor = a1.pull_all(understands=())  # the old app's last pull
    response = a1.client.get(
        PULL, params={"cursor": old_cursor, "with": "assignment"}, headers=a1.headers
    )
    assert response.status_code == 410, response.text
    assert response.json()["error"]["code"] == "cursor_expired"
    # From the start it gets the assignment the old app never saw; its cursor covers it.
    changes, cursor = a1.pull_all()
    assert made in {c["entity_id"] for c in changes}
    later = assign(world, people["S1"], form(people["plg_business"], "A1"))["id"]
    more, cursor = a1.pull_all(cursor=cursor)
    assert [c["entity_id"] for c in more] == [later]
    # Declaring less than the cursor covered is fine: the assignments are left out.
    assign(world, people["S1"], form(people["plg_business"], "A1"))
    fewer, _ = a1.pull_all(cursor=cursor, understands=())
    assert fewer == []


def test_a_cursor_cannot_be_made_to_cover_what_it_did_not(world: World) -> None:
    people = setup(world)
    a1 = people["A1"]
    _, old_cursor = a1.pull_all(understands=())
    body, signature = old_cursor.split(".")
    data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    assert "w" not in data  # an old laptop's cursors look as they always did
    data["w"] = ["assignment"]
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    response = a1.client.get(
        PULL, params={"cursor": f"{forged}.{signature}", "with": "assignment"}, headers=a1.headers
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "invalid_cursor"
