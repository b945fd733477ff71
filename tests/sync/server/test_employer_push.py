"""The server's push of an employer (PU) registration (issue 17 item 4), on SQLite and
PostgreSQL: judged by the domain's `validate_employer_registration` for the op's month, refused
per field (a worker's by its line), protected like an enrollment (status, review and the
employer number `npp` only by a supervisor; closed once accepted), its business visible to the
agent, and pulled only by a laptop that declares it."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from employer_support import ENTITY, registration, worker
from srv_support import WIB, Laptop, World, business_fields, op


def _business(laptop: Laptop, **changes: Any) -> str:
    biz = str(uuid.uuid4())
    assert laptop.push_one(op("business", "create", biz, business_fields(**changes)))["status"] == (
        "applied"
    )
    return biz


def _error(result: dict[str, Any]) -> tuple[str, str | None, str | None]:
    error = result["error"] or {}
    return result["status"], error.get("code"), error.get("field")


def test_a_registration_is_stored_and_pulled_only_by_laptops_that_declare_it(
    world: World,
) -> None:
    a1, a2, s1 = world.standard()
    biz = _business(a1)
    reg = str(uuid.uuid4())
    fields = registration(biz, agent_code="SOMEONE-ELSE")
    result = a1.push_one(op(ENTITY, "create", reg, fields))
    assert (result["status"], result["entity_version"]) == ("applied", 1)
    mine, _ = a1.pull_all()
    [pulled] = [c for c in mine if c["entity_id"] == reg]
    assert pulled["entity"] == ENTITY
    assert pulled["fields"]["agent_code"] == "A1"  # server-set
    assert pulled["fields"]["status"] == "submitted"
    assert pulled["fields"]["workers"] == fields["workers"]
    # A laptop from before the entity does not receive it (it could not parse it).
    old, _ = a1.pull_all(understands=("assignment", "consent_text"))
    assert reg not in {c["entity_id"] for c in old}
    assert biz in {c["entity_id"] for c in old}
    # As an enrollment: another agent does not see it, the branch's supervisor does.
    assert reg not in {c["entity_id"] for c in a2.pull_all()[0]}
    assert reg in {c["entity_id"] for c in s1.pull_all()[0]}
    # The same op again is a duplicate.
    again = a1.push_one(op(ENTITY, "create", reg, fields))
    assert again["status"] == "duplicate"


def test_bad_fields_are_refused_by_name_and_nothing_is_stored(world: World) -> None:
    a1, _, _ = world.standard()
    biz = _business(a1)
    lines = [worker(600), worker(601), worker(602)]
    cases = [
        (
            {"workers": [*lines[:1], {**lines[1], "monthly_wage": "3.000.000"}, lines[2]]},
            "workers[1].monthly_wage",
        ),
        ({"workers": []}, "workers"),
        ({"workers": [lines[0], {**lines[1], "nik": lines[0]["nik"]}]}, "workers[1].nik"),
        ({"monthly_contribution": 1}, "monthly_contribution"),
        ({"npwp": None, "owner_nik": None}, "owner_nik"),
        ({"programs": ["JKM"]}, "programs"),
        ({"workers": [{**lines[0], "evil": 1}]}, "workers[0].evil"),
        ({"workers": [{**lines[0], "Evil<x>": 1}]}, None),  # not a plain name: not echoed
    ]
    for changes, field in cases:
        reg = str(uuid.uuid4())
        fields = {**registration(biz, lines), **changes}
        result = a1.push_one(op(ENTITY, "create", reg, fields))
        assert _error(result) == ("rejected", "invalid_field", field), changes
        assert reg not in {c["entity_id"] for c in a1.pull_all()[0]}


def test_the_contribution_is_judged_for_the_month_of_the_op(world: World) -> None:
    """A registration quoted in February 2026 (JP capped at the 2025 cap) and sent now is
    taken with February's quote; the quote of a month it was not recorded in is refused."""
    a1, _, _ = world.standard()
    biz = _business(a1)
    lines = [worker(610, 12_000_000), worker(611, 3_000_000)]
    programs = ("JKK", "JKM", "JHT", "JP")
    february = dt.datetime(2026, 2, 20, 10, 0, tzinfo=WIB)
    feb = registration(biz, lines, programs=programs, on=february.date())
    june = registration(biz, lines, programs=programs, on=dt.date(2026, 6, 1))
    assert feb["monthly_contribution"] != june["monthly_contribution"]  # the 2026 JP cap
    old = registration(biz, lines, programs=programs, on=dt.date(2024, 6, 1))  # 2024's cap
    assert old["monthly_contribution"] not in (
        feb["monthly_contribution"],
        june["monthly_contribution"],
    )
    refused = a1.push_one(op(ENTITY, "create", str(uuid.uuid4()), old, recorded_at=february))
    assert _error(refused) == ("rejected", "invalid_field", "monthly_contribution")
    taken = a1.push_one(op(ENTITY, "create", str(uuid.uuid4()), feb, recorded_at=february))
    assert taken["status"] == "applied"
    # Recorded in February, sent now with this month's quote (June's and December's JP cap
    # are the same): taken, as an enrollment's quote of today is.
    others = [worker(612, 12_000_000), worker(613, 3_000_000)]
    now = registration(biz, others, programs=programs)
    assert now["monthly_contribution"] == june["monthly_contribution"]
    late = a1.push_one(op(ENTITY, "create", str(uuid.uuid4()), now, recorded_at=february))
    assert late["status"] == "applied"


def test_its_business_must_exist_and_be_visible(world: World) -> None:
    a1, _, _ = world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", branch="LLG")
    b1 = world.login("B1")
    theirs = _business(b1)
    for business_id in (str(uuid.uuid4()), theirs):
        result = a1.push_one(op(ENTITY, "create", str(uuid.uuid4()), registration(business_id)))
        assert _error(result) == ("rejected", "unknown_reference", "business_id")


def test_an_agent_cannot_set_the_review_or_the_employer_number(world: World) -> None:
    a1, _, s1 = world.standard()
    biz = _business(a1)
    for changes, field in (
        ({"status": "accepted"}, "status"),
        ({"npp": "12345678"}, "npp"),
        ({"review_reason": "ok"}, "review_reason"),
    ):
        result = a1.push_one(op(ENTITY, "create", str(uuid.uuid4()), registration(biz, **changes)))
        assert _error(result) == ("rejected", "forbidden", field)
    reg = str(uuid.uuid4())
    assert a1.push_one(op(ENTITY, "create", reg, registration(biz)))["status"] == "applied"
    forged = a1.push_one(op(ENTITY, "update", reg, {"npp": "99999999"}, base_version=1))
    assert _error(forged) == ("rejected", "forbidden", "npp")
    # The supervisor sends it back; the agent's correction resubmits it.
    back = s1.push_one(
        op(
            ENTITY,
            "update",
            reg,
            {"status": "needs_correction", "review_reason": "NIB salah"},
            base_version=1,
        )
    )
    assert back["status"] == "applied"
    stale = a1.push_one(op(ENTITY, "update", reg, {"review_reason": None}, base_version=2))
    assert _error(stale) == ("rejected", "forbidden", "review_reason")
    fixed = a1.push_one(op(ENTITY, "update", reg, {"nib": "1234567890999"}, base_version=2))
    assert fixed["status"] == "applied"
    [pulled] = [c for c in s1.pull_all()[0] if c["entity_id"] == reg]
    assert (pulled["fields"]["status"], pulled["fields"]["nib"]) == ("submitted", "1234567890999")
    # Accepted with its employer number: closed to the agent, for changes and deletion.
    accepted = s1.push_one(
        op(ENTITY, "update", reg, {"status": "accepted", "npp": "NPP-0001"}, base_version=3)
    )
    assert accepted["status"] == "applied"
    late = a1.push_one(op(ENTITY, "update", reg, {"nib": "1234567890111"}, base_version=4))
    assert _error(late) == ("conflict", "enrollment_accepted", "status")
    assert late["current"]["npp"] == "NPP-0001"
    gone = a1.push_one(op(ENTITY, "delete", reg))
    assert _error(gone) == ("conflict", "enrollment_accepted", "status")


def test_an_update_is_judged_whole_for_its_month(world: World) -> None:
    """An update that changes a wage must carry the new total: the record as it would be
    is judged again (the quote, the minimum wage), never half-saved."""
    a1, _, _ = world.standard()
    biz = _business(a1)
    reg = str(uuid.uuid4())
    fields = registration(biz)
    assert a1.push_one(op(ENTITY, "create", reg, fields))["status"] == "applied"
    raised = [{**fields["workers"][0], "monthly_wage": 5_000_000}, *fields["workers"][1:]]
    wrong = a1.push_one(op(ENTITY, "update", reg, {"workers": raised}, base_version=1))
    assert _error(wrong) == ("rejected", "invalid_field", "monthly_contribution")
    right = registration(biz, raised)["monthly_contribution"]
    update = {"workers": raised, "monthly_contribution": right}
    assert a1.push_one(op(ENTITY, "update", reg, update, base_version=1))["status"] == "applied"
    [pulled] = [c for c in a1.pull_all()[0] if c["entity_id"] == reg]
    assert pulled["fields"]["monthly_contribution"] == right


def test_its_consent_must_be_to_a_published_text(world: World) -> None:
    a1, _, _ = world.standard()
    biz = _business(a1)
    for consent_changes in ({"text_version": "tidak-ada-2099"}, {"text_sha256": "cd" * 32}):
        fields = registration(biz)
        fields["consent"] = {**fields["consent"], **consent_changes}
        result = a1.push_one(op(ENTITY, "create", str(uuid.uuid4()), fields))
        assert _error(result) == ("rejected", "invalid_field", "consent")


def test_another_agents_registration_is_answered_as_unknown(world: World) -> None:
    a1, a2, s1 = world.standard()
    biz = _business(a1)
    reg = str(uuid.uuid4())
    fields = registration(biz)
    assert a1.push_one(op(ENTITY, "create", reg, fields))["status"] == "applied"
    for attempt in (
        op(ENTITY, "update", reg, {"nib": "1234567890999"}, base_version=1),
        op(ENTITY, "delete", reg),
        op(ENTITY, "create", reg, fields),
    ):
        result = a2.push_one(attempt)
        assert _error(result) == ("rejected", "unknown_reference", "entity_id")
        assert (result["entity_version"], result["server_seq"]) == (None, None)
    # The branch's supervisor reviews it.
    assert s1.push_one(op(ENTITY, "update", reg, {"nib": "1234567890999"}, base_version=1))[
        "status"
    ] == ("applied")


def test_two_hundred_workers_are_taken(world: World) -> None:
    a1, _, _ = world.standard()
    biz = _business(a1)
    lines = [worker(2000 + i, 2_500_000 + 1_000 * i) for i in range(200)]
    reg = str(uuid.uuid4())
    assert a1.push_one(op(ENTITY, "create", reg, registration(biz, lines)))["status"] == "applied"
    found = a1.client.post(
        "/v1/participants/check-list",
        json={"niks": [line["nik"] for line in lines]},
        headers=a1.headers,
    ).json()["results"]
    assert [r["enrolled"] for r in found] == [True] * 200


def test_an_update_that_leaves_the_quote_alone_is_not_quoted_again(world: World) -> None:
    """Recorded in February with February's quote, corrected in December (its NIB): the
    February contribution stands; a change of a wage in December carries December's quote."""
    a1, _, _ = world.standard()
    biz = _business(a1)
    lines = [worker(620, 12_000_000), worker(621, 3_000_000)]
    programs = ("JKK", "JKM", "JHT", "JP")
    february = dt.datetime(2026, 2, 20, 10, 0, tzinfo=WIB)
    feb = registration(biz, lines, programs=programs, on=february.date())
    reg = str(uuid.uuid4())
    assert a1.push_one(op(ENTITY, "create", reg, feb, recorded_at=february))["status"] == (
        "applied"
    )
    fixed = a1.push_one(op(ENTITY, "update", reg, {"nib": "1234567890999"}, base_version=1))
    assert fixed["status"] == "applied"
    raised = [lines[0], {**lines[1], "monthly_wage": 3_500_000}]
    stale = {"workers": raised, "monthly_contribution": feb["monthly_contribution"]}
    refused = a1.push_one(op(ENTITY, "update", reg, stale, base_version=2))
    assert _error(refused) == ("rejected", "invalid_field", "monthly_contribution")
    now = registration(biz, raised, programs=programs)["monthly_contribution"]
    update = {"workers": raised, "monthly_contribution": now}
    assert a1.push_one(op(ENTITY, "update", reg, update, base_version=2))["status"] == "applied"
