"""Access and bad input against the real server process: nobody reads or writes where they do
not belong, tokens expire, wrong passwords lock out (server and laptop), and hostile bodies get
a 4xx and change nothing."""

from __future__ import annotations

import datetime as dt
import gzip
import itertools
import json
import time
import uuid

import pytest
import requests
from support import PASSWORD, person

from sync import protocol

TIMEOUT = 30
_people = itertools.count(20_000)


def login(server, agent: str, device: str | None = None, password: str = PASSWORD):
    return requests.post(
        server.url + "/v1/auth/login",
        json={
            "agent_code": agent,
            "password": password,
            "device_id": device or str(uuid.uuid4()),
            "device_name": "Laptop uji",
        },
        timeout=TIMEOUT,
    )


def session(server, agent: str, device: str | None = None) -> tuple[dict[str, str], str]:
    device = device or str(uuid.uuid4())
    answer = login(server, agent, device)
    assert answer.status_code == 200, answer.text
    return {"Authorization": "Bearer " + answer.json()["access_token"]}, device


def pull_all(server, headers) -> list[dict]:
    changes: list[dict] = []
    cursor = None
    for _ in range(200):
        params = {"limit": 1000, **({"cursor": cursor} if cursor else {})}
        page = requests.get(
            server.url + "/v1/sync/pull", params=params, headers=headers, timeout=TIMEOUT
        )
        assert page.status_code == 200, page.text
        body = page.json()
        changes += body["changes"]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return changes
    raise AssertionError("pull did not end")


def push(server, headers, device, ops, **kwargs):
    for seq, item in enumerate(ops, start=1):
        item.setdefault("op_seq", seq)
        item.setdefault("op_id", str(uuid.uuid4()))
        item.setdefault("base_version", None)
        item.setdefault("recorded_at", dt.datetime.now(dt.UTC).isoformat())
    body = {"protocol_version": 1, "device_id": device, "batch_id": str(uuid.uuid4()), "ops": ops}
    return requests.post(
        server.url + "/v1/sync/push", json=body, headers=headers, timeout=TIMEOUT, **kwargs
    )


def fingerprint(server) -> tuple:
    """Everything a bad request could have changed."""
    return (
        server.query("SELECT count(*), coalesce(max(server_seq), 0) FROM record")[0][:],
        server.query("SELECT count(*) FROM ledger")[0][0],
        server.query("SELECT value FROM seq_counter")[0][0],
        server.query("SELECT count(*) FROM device")[0][0],
    )


@pytest.fixture
def synced(shared_server, make_laptop):
    """RA001 with a business and a submitted enrollment on the server."""
    laptop = make_laptop("RA001", shared_server.url)
    n = next(_people)
    business_id = laptop.add_business(n)
    enrollment_id = laptop.add_enrollment(n)
    laptop.drain()
    assert laptop.outbox()[-1]["status"] == "applied"
    return laptop, business_id, enrollment_id


def test_nobody_pulls_another_branch_or_another_agents_enrollments(shared_server, synced):
    _, business_id, enrollment_id = synced
    jkt, _ = session(shared_server, "RA900")
    seen = {c["entity_id"] for c in pull_all(shared_server, jkt)}
    assert business_id not in seen and enrollment_id not in seen
    colleague, _ = session(shared_server, "RA002")
    theirs = {c["entity_id"]: c for c in pull_all(shared_server, colleague)}
    assert business_id in theirs  # same branch: businesses are shared
    assert enrollment_id not in theirs
    assert not any(
        c["entity"] == "enrollment"
        for c in theirs.values()
        if c["fields"].get("agent_code") == "RA001"
    )
    supervisor, _ = session(shared_server, "RS001")
    assert enrollment_id in {c["entity_id"] for c in pull_all(shared_server, supervisor)}


def test_nobody_writes_where_they_do_not_belong(shared_server, synced):
    laptop, business_id, enrollment_id = synced
    before = shared_server.records([business_id, enrollment_id])
    colleague, device = session(shared_server, "RA002")
    jkt, jkt_device = session(shared_server, "RA900")
    # a push naming a device bound to someone else (the token's device differs)
    answer = push(
        shared_server,
        colleague,
        laptop.device_id,
        [
            {
                "entity": "business",
                "entity_id": business_id,
                "kind": "update",
                "base_version": 1,
                "fields": {"name": "Dibajak"},
            }
        ],
    )
    assert answer.status_code == 403
    # another agent's enrollment, another branch's business, protected fields
    tries = [
        (
            colleague,
            device,
            {
                "entity": "enrollment",
                "entity_id": enrollment_id,
                "kind": "update",
                "base_version": 1,
                "fields": {"full_name": "Nama Palsu"},
            },
        ),
        (
            jkt,
            jkt_device,
            {
                "entity": "business",
                "entity_id": business_id,
                "kind": "update",
                "base_version": 1,
                "fields": {"name": "Cabang Lain"},
            },
        ),
        (
            jkt,
            jkt_device,
            {
                "entity": "business",
                "entity_id": business_id,
                "kind": "delete",
                "base_version": 1,
                "fields": {},
            },
        ),
    ]
    own, own_device = session(shared_server, "RA001", laptop.device_id)
    for field, value in (
        ("status", "accepted"),
        ("membership_number", "99999999999"),
        ("review_reason", "disetujui sendiri"),
    ):
        tries.append(
            (
                own,
                own_device,
                {
                    "entity": "enrollment",
                    "entity_id": enrollment_id,
                    "kind": "update",
                    "base_version": 1,
                    "fields": {field: value},
                },
            )
        )
    for headers, dev, item in tries:
        answer = push(shared_server, headers, dev, [item])
        assert answer.status_code == 200, answer.text
        result = answer.json()["results"][0]
        assert result["status"] in ("rejected", "conflict"), (item, result)
        assert result["error"]["code"] in ("forbidden", "unknown_reference"), result
        assert "Nama Palsu" not in json.dumps(result)
    # a server-set field sent by a laptop is ignored
    answer = push(
        shared_server,
        own,
        own_device,
        [
            {
                "entity": "business",
                "entity_id": business_id,
                "kind": "update",
                "base_version": 1,
                "fields": {"registered_by": "RA900"},
            }
        ],
    )
    assert answer.status_code == 200
    after = shared_server.records([business_id, enrollment_id])
    assert after[enrollment_id] == before[enrollment_id]
    assert after[business_id]["fields"]["registered_by"] == "RA001"
    assert after[business_id]["fields"]["name"] == before[business_id]["fields"]["name"]


def test_tokens_expire_and_refresh_tokens_are_single_use(make_server):
    """With no grace window (see test_14 for the window), a refresh token works once.

    The token lives 3 s: its expiry is a whole second (issued at x.99 with 1 s it expired
    0.01 s later, before the first request on a loaded machine)."""
    server = make_server(access_token_seconds=3, refresh_grace_seconds=0)
    answer = login(server, "RA001")
    tokens = answer.json()
    headers = {"Authorization": "Bearer " + tokens["access_token"]}
    assert requests.get(server.url + "/v1/sync/config", headers=headers, timeout=TIMEOUT).ok
    time.sleep(4.2)
    expired = requests.get(server.url + "/v1/sync/config", headers=headers, timeout=TIMEOUT)
    assert expired.status_code == 401
    refresh = {"refresh_token": tokens["refresh_token"]}
    first = requests.post(server.url + "/v1/auth/refresh", json=refresh, timeout=TIMEOUT)
    assert first.status_code == 200
    again = requests.post(server.url + "/v1/auth/refresh", json=refresh, timeout=TIMEOUT)
    assert again.status_code == 401
    forged = tokens["access_token"][:-4] + (
        "AAAA" if not tokens["access_token"].endswith("AAAA") else "BBBB"
    )
    answer = requests.get(
        server.url + "/v1/sync/config",
        timeout=TIMEOUT,
        headers={"Authorization": "Bearer " + forged},
    )
    assert answer.status_code == 401


def test_wrong_passwords_lock_out_on_the_server(shared_server):
    statuses = [
        login(shared_server, "RLOCK1", password=f"salah-{i}-xxxx").status_code for i in range(6)
    ]
    assert statuses[0] == 401
    assert statuses[-1] == 429
    right = login(shared_server, "RLOCK1")
    assert right.status_code == 429  # locked even with the right password
    assert right.json()["error"]["code"] == "account_locked"
    assert int(right.headers["Retry-After"]) > 60


def test_wrong_passwords_lock_out_on_the_laptop(tmp_path):
    from agent_app.security.keyslots import KdfParams, KeyStore, LockedOut, WrongPassword

    now = [dt.datetime(2026, 11, 21, 3, 0, tzinfo=dt.UTC)]
    store = KeyStore(tmp_path / "keys.json", kdf=KdfParams(1, 1024, 1), clock=lambda: now[0])
    store.create_first_account("RA001", "Agen", "PLG", "agent", PASSWORD)
    outcomes = []
    for i in range(12):
        try:
            store.unlock("RA001", f"salah-{i}")
            outcomes.append("ok")
        except WrongPassword:
            outcomes.append("wrong")
        except LockedOut:
            outcomes.append("locked")
        now[0] += dt.timedelta(seconds=61)  # past any delay, but not past the lock
    assert outcomes[0] == "wrong" and outcomes[-1] == "locked"
    with pytest.raises(LockedOut):
        store.unlock("RA001", PASSWORD)
    now[0] += dt.timedelta(minutes=16)
    assert len(store.unlock("RA001", PASSWORD).key) == 32


def _deep(levels: int) -> bytes:
    return b'{"ops":' + b"[" * levels + b"]" * levels + b"}"


def _bomb() -> bytes:
    return gzip.compress(b'{"ops": "' + b"A" * (64 * 1024 * 1024) + b'"}', compresslevel=9)


HOSTILE = {
    "not_json": (b"{this is not json", {}),
    "empty": (b"", {}),
    "json_array": (b"[1, 2, 3]", {}),
    "deep_nesting": (_deep(100_000), {}),
    "deep_nesting_small": (_deep(2_000), {}),
    "huge_string": (b'{"ops": "' + b"x" * (2 * 1024 * 1024) + b'"}', {}),
    "gzip_bomb": (None, {"Content-Encoding": "gzip"}),
    "bad_gzip": (b"\x1f\x8b\x08\x00garbage", {"Content-Encoding": "gzip"}),
    "wrong_types": (
        json.dumps(
            {"protocol_version": "one", "device_id": 5, "batch_id": [], "ops": {"op": 1}}
        ).encode(),
        {},
    ),
    "op_wrong_types": (None, {}),
    "nul_and_unicode": (None, {}),
    "sql_strings": (None, {}),
    "latin1_bytes": (b'{"ops": "\xff\xfe\xfd"}', {}),
    "nan": (b'{"protocol_version": NaN, "ops": []}', {}),
}


def _hostile_body(name: str, device: str) -> bytes:
    base = {"protocol_version": 1, "device_id": device, "batch_id": str(uuid.uuid4())}
    op = {
        "op_id": str(uuid.uuid4()),
        "op_seq": 1,
        "entity": "business",
        "entity_id": str(uuid.uuid4()),
        "kind": "create",
        "base_version": None,
        "recorded_at": "2026-11-21T10:00:00+07:00",
    }
    if name == "gzip_bomb":
        return _bomb()
    if name == "op_wrong_types":
        return json.dumps(
            {**base, "ops": [{**op, "op_seq": "satu", "fields": ["a"], "entity_id": "not-a-uuid"}]}
        ).encode()
    if name == "nul_and_unicode":
        return json.dumps(
            {**base, "ops": [{**op, "entity": "bisnis\u0000\u202e", "fields": {"name": "\ud800"}}]}
        ).encode()
    if name == "sql_strings":
        return json.dumps(
            {
                **base,
                "device_id": "' OR '1'='1",
                "ops": [
                    {**op, "entity": "business; DROP TABLE ledger; --", "fields": {"name": "x"}}
                ],
            }
        ).encode()
    body, _ = HOSTILE[name]
    return body


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_push_bodies_get_4xx_and_change_nothing(shared_server, name):
    headers, device = session(shared_server, "RA003")
    before = fingerprint(shared_server)
    extra = dict(HOSTILE[name][1])
    answer = requests.post(
        shared_server.url + "/v1/sync/push",
        data=_hostile_body(name, device),
        headers={**headers, "Content-Type": "application/json", **extra},
        timeout=60,
    )
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:300])
    assert set(answer.json()) == {"error"}
    assert fingerprint(shared_server) == before
    assert requests.get(shared_server.url + "/v1/health", timeout=TIMEOUT).ok


@pytest.mark.parametrize(
    "body",
    [
        {
            "agent_code": "' OR 1=1 --",
            "password": "x" * 10,
            "device_id": str(uuid.uuid4()),
            "device_name": "a",
        },
        {
            "agent_code": "RA001",
            "password": "y" * 1_000_000,
            "device_id": str(uuid.uuid4()),
            "device_name": "a",
        },
        {
            "agent_code": "RA001\u0000",
            "password": PASSWORD,
            "device_id": "bukan-uuid",
            "device_name": "\u202e" * 500,
        },
        {"agent_code": ["RA001"], "password": {"a": 1}},
        {"nik": "1' OR '1'='1"},
    ],
    ids=["sql_code", "huge_password", "nul_and_bidi", "wrong_types", "unrelated"],
)
def test_hostile_login_bodies_get_4xx_and_change_nothing(shared_server, body):
    before = fingerprint(shared_server)
    answer = requests.post(shared_server.url + "/v1/auth/login", json=body, timeout=60)
    assert 400 <= answer.status_code < 500, answer.text[:300]
    assert fingerprint(shared_server) == before


@pytest.mark.parametrize(
    "nik", ["1' OR '1'='1", "１６７１０３４５０２８０００１", "1" * 10_000, 16, None]
)
def test_hostile_participant_checks_get_4xx(shared_server, nik):
    headers, _ = session(shared_server, "RA003")
    answer = requests.post(
        shared_server.url + "/v1/participants/check",
        json={"nik": nik},
        headers=headers,
        timeout=TIMEOUT,
    )
    assert answer.status_code == 400, answer.text[:300]


def test_hostile_cursors_get_4xx(shared_server):
    headers, _ = session(shared_server, "RA003")
    for cursor in ("x", "' OR 1=1 --", "A" * 100_000, "\u0000", "../../etc/passwd"):
        answer = requests.get(
            shared_server.url + "/v1/sync/pull",
            params={"cursor": cursor},
            headers=headers,
            timeout=TIMEOUT,
        )
        assert 400 <= answer.status_code < 500 and answer.status_code != 410, cursor[:20]
    for limit in ("0", str(protocol.MAX_PULL_LIMIT + 1), "-1", "abc", "1e9"):
        answer = requests.get(
            shared_server.url + "/v1/sync/pull",
            params={"limit": limit},
            headers=headers,
            timeout=TIMEOUT,
        )
        assert answer.status_code == 400, limit


def test_synthetic_people_are_registered_for_the_log_scan():
    who = person(31_337)
    import logscan

    assert logscan.find_leaks([("t", f"nik {who['nik']}")], {who["nik"]})
    assert logscan.find_leaks([("t", "call 081234567890 now")], set())
    assert not logscan.find_leaks([("t", "op 4db5e590-b8f6-43c9-9052-087017719006")], set())


@pytest.mark.parametrize(
    "data",
    [b"", b"not a bundle", b"PERISAI" + b"\x00" * 64, _deep(10_000), b"\x1f\x8b" + b"\xff" * 100],
    ids=["empty", "text", "fake_magic", "deep_json", "fake_gzip"],
)
def test_hostile_bundles_get_4xx_and_change_nothing(shared_server, data):
    headers, _ = session(shared_server, "RA003")
    before = fingerprint(shared_server)
    answer = requests.post(
        shared_server.url + "/v1/sync/bundle",
        data=data,
        headers={**headers, "Content-Type": "application/octet-stream"},
        timeout=60,
    )
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:300])
    assert fingerprint(shared_server) == before


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b'{"refresh_token": null}',
        b'{"refresh_token": "' + b"A" * 200_000 + b'"}',
        b'{"refresh_token": ["x"]}',
        b'{"refresh_token": "\' OR 1=1 --"}',
    ],
    ids=["broken", "null", "huge", "list", "sql"],
)
def test_hostile_refresh_bodies_get_4xx(shared_server, body):
    before = fingerprint(shared_server)
    answer = requests.post(
        shared_server.url + "/v1/auth/refresh",
        data=body,
        timeout=60,
        headers={"Content-Type": "application/json"},
    )
    assert 400 <= answer.status_code < 500, answer.text[:300]
    assert fingerprint(shared_server) == before
