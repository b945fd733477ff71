"""A demo database for screenshots and trying the app: Palembang businesses, a "Sumsel
Marketing" booth event at Palembang Indah Mall, visits, enrollments (one sent back for
correction), targets. Every name, phone number and NIK is synthetic.

Records go through the services, as the app would make them; the event and targets (which
a laptop only ever pulls from the server) and the backdating of history are written directly.
No Qt here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import uuid
from typing import Any

from agent_app.domain import keys, records

PASSWORD = "demo-perisai"
AGENT = ("PLG-0123", "Siti Aminah", "PLG", "agent")
SECOND_AGENT = ("PLG-0456", "Budi Santoso", "PLG", "agent")
EVENT_ID = "5a0e6c52-3f1b-4d7e-9a77-2f3c1d0b9e01"

FOODS = ["Pempek", "Tekwan", "Model", "Laksan", "Martabak", "Pindang", "Kopi", "Kerupuk"]
CRAFTS = ["Songket", "Tenun", "Jumputan", "Ukiran", "Batik"]
SHOPS = ["Toko", "Warung", "Kios", "Bengkel", "Salon", "Jahit", "Depot"]
CALLS = ["Cek", "Bu", "Pak", "Mang", "Wak", "Yuk", "Kak", "Haji", "Mbak", "Koh"]
NAMES = [
    "Molek",
    "Ipah",
    "Candy",
    "Berkah",
    "Jaya",
    "Sari",
    "Makmur",
    "Abadi",
    "Lestari",
    "Vico",
    "Rezeki",
    "Amanah",
    "Harapan",
    "Sentosa",
    "Dewi",
    "Nona",
    "Saga",
    "Lince",
]
PEOPLE = [
    "Siti",
    "Rina",
    "Ahmad",
    "Budi",
    "Dewi",
    "Agus",
    "Hendra",
    "Yanti",
    "Rudi",
    "Ani",
    "Wati",
    "Joko",
    "Sri",
    "Eko",
    "Fitri",
    "Hasan",
    "Indra",
    "Lina",
    "Maya",
    "Nur",
]
FAMILY = [
    "Aminah",
    "Marlina",
    "Santoso",
    "Wijaya",
    "Saputra",
    "Rohani",
    "Kusuma",
    "Hidayat",
    "Pratama",
    "Lestari",
    "Siregar",
    "Nasution",
    "Harahap",
    "Putri",
    "Setiawan",
]
DISTRICTS = [
    "16.71.01",
    "16.71.02",
    "16.71.03",
    "16.71.04",
    "16.71.05",
    "16.71.06",
    "16.71.07",
    "16.71.08",
    "16.71.09",
    "16.71.10",
    "16.71.11",
    "16.71.12",
]
STREETS = [
    "Jl. Merdeka",
    "Jl. Sudirman",
    "Jl. Kapten Rivai",
    "Jl. Veteran",
    "Jl. Demang Lebar Daun",
    "Jl. Kolonel Atmo",
    "Jl. Basuki Rahmat",
    "Jl. Mayor Ruslan",
    "Lorong Pempek",
]
REASONS = [
    "Menunggu suami pulang",
    "Minta brosur JHT",
    "Belum gajian",
    "Mau tanya keluarga",
    "Sudah ikut BPJS Kesehatan saja",
    "Tertarik, minta datang lagi",
]


def business_fields(rng: random.Random, n: int) -> dict[str, Any]:
    kind = rng.random()
    if kind < 0.5:
        name, sector = f"{rng.choice(FOODS)} {rng.choice(CALLS)} {rng.choice(NAMES)}", "kuliner"
    elif kind < 0.7:
        name, sector = f"{rng.choice(CRAFTS)} {rng.choice(CALLS)} {rng.choice(NAMES)}", "kerajinan"
    else:
        name = f"{rng.choice(SHOPS)} {rng.choice(NAMES)}"
        sector = rng.choice(["perdagangan", "jasa", "transportasi"])
    if n % 7 == 0:
        name += f" {rng.choice(['Plaju', 'Seberang Ulu', '26 Ilir', 'Sako', 'Kertapati'])}"
    return {
        "name": name,
        "owner_name": f"{rng.choice(PEOPLE)} {rng.choice(FAMILY)}",
        "phone": f"+62812{rng.randrange(10**7, 10**8)}",
        "sector": sector,
        "size_class": rng.choice(["mikro"] * 6 + ["kecil"] * 2 + ["menengah"]),
        "workers_count": rng.randrange(0, 15),
        "address": f"{rng.choice(STREETS)} No. {rng.randrange(1, 200)}",
        "region_code": rng.choice(DISTRICTS),
    }


def synthetic_nik(rng: random.Random, birth: dt.date, female: bool, district: str) -> str:
    day = birth.day + (40 if female else 0)
    return f"{district.replace('.', '')}{day:02d}{birth:%m%y}{rng.randrange(1, 9999):04d}"


def seed(engine: Any, today: dt.date, businesses_count: int = 240, seed_value: int = 7) -> None:
    """Fills an opened (empty) database with the demo data."""
    from agent_app.services import businesses, enrollments, visits
    from agent_app.services.actor import Actor
    from agent_app.storage import tables
    from agent_app.storage.uow import SqlUnitOfWork

    rng = random.Random(seed_value)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine)

    with uow() as work:
        work.events.upsert(
            records.Event(
                id=EVENT_ID,
                name="Sumsel Marketing",
                branch="PLG",
                starts_on=today - dt.timedelta(days=2),
                ends_on=today + dt.timedelta(days=9),
                venue="Atrium Palembang Indah Mall",
            ),
            version=1,
        )
        work.events.upsert(
            records.Event(
                id="5a0e6c52-3f1b-4d7e-9a77-2f3c1d0b9e02",
                name="Pasar 16 Ilir Sadar Jaminan",
                branch="PLG",
                starts_on=today - dt.timedelta(days=40),
                ends_on=today - dt.timedelta(days=38),
                venue="Pasar 16 Ilir",
            ),
            version=1,
        )
        start, end = today - dt.timedelta(days=2), today + dt.timedelta(days=9)
        for n, (scope, scope_id, metric, goal) in enumerate(
            [
                ("event", EVENT_ID, "employers", 1441),
                ("event", EVENT_ID, "enrollments", 120),
                ("agent", AGENT[0], "visits", 60),
                ("branch", "PLG", "businesses", 400),
            ]
        ):
            work.targets.upsert(
                records.Target(
                    f"7b1d0c3e-0000-4000-8000-00000000000{n}",
                    scope,
                    scope_id,
                    metric,
                    goal,
                    start,
                    end,
                ),
                version=1,
            )
        work.commit()

    actors = [Actor(*AGENT[:3]), Actor(*SECOND_AGENT[:3])]
    created: list[records.Business] = []
    for n in range(businesses_count):
        actor = actors[n % 5 == 0]
        event = EVENT_ID if n % 3 == 0 else None
        created.append(
            businesses.register_business(uow(), actor, business_fields(rng, n), event_id=event)
        )
    now = dt.datetime.now().astimezone().replace(microsecond=0)
    for n, business in enumerate(created[:160]):
        for k in range(1 + (n % 3 == 0) + (n % 11 == 0) * 18):
            outcome = rng.choice(
                ["interested", "follow_up", "follow_up", "declined", "enrolled"]
                if k
                else ["interested", "follow_up"]
            )
            days_ago = 0 if n < 14 and k == 0 else rng.randrange(1, 40)
            when = now - dt.timedelta(days=days_ago, hours=rng.randrange(0, 6))
            follow = today + dt.timedelta(days=rng.randrange(-5, 10))
            visits.record_visit(
                uow(),
                actors[n % 5 == 0],
                business.id,
                {
                    "visited_at": when.isoformat(),
                    "channel": rng.choice(["door_to_door", "booth", "phone"]),
                    "outcome": outcome,
                    "reason": rng.choice(REASONS) if outcome != "enrolled" else None,
                    "notes": rng.choice(
                        [
                            None,
                            "Pemilik ramah, usaha ramai sore hari",
                            "Pekerja 3 orang, semua belum terdaftar",
                            "Minta dijelaskan beda JHT dan JKM",
                        ]
                    ),
                    "next_follow_up": follow.isoformat() if outcome == "follow_up" else None,
                    "event_id": EVENT_ID if n % 3 == 0 else None,
                },
            )
    # enrollments: submitted ones, two drafts, one sent back for correction
    occupations = [
        "penjual_makanan",
        "pedagang",
        "pengrajin",
        "pengemudi",
        "penjahit",
        "nelayan",
        "buruh_harian",
    ]
    submitted_ids = []
    for n in range(48):
        female = n % 2 == 0
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(0, 12000))
        district = rng.choice(DISTRICTS)
        fields = {
            "nik": synthetic_nik(rng, birth, female, district),
            "full_name": f"{rng.choice(PEOPLE)} {rng.choice(FAMILY)}",
            "birth_place": "Palembang",
            "birth_date": birth.isoformat(),
            "gender": "F" if female else "M",
            "phone": f"+62813{rng.randrange(10**7, 10**8)}",
            "address": f"{rng.choice(STREETS)} No. {rng.randrange(1, 200)}",
            "region_code": district,
            "occupation": rng.choice(occupations),
            "declared_income": rng.choice([1_000_000, 1_500_000, 2_000_000, 2_500_000]),
            "programs": ["JKK", "JKM", "JHT"] if n % 3 == 0 else ["JKK", "JKM"],
            "period_months": rng.choice([1, 1, 3, 6, 12]),
            "event_id": EVENT_ID if n % 2 == 0 else None,
            "consent": {"text_version": "persetujuan-bpu-2026.1", "given_at": now.isoformat()},
        }
        actor = actors[n % 6 == 0]
        draft = enrollments.save_draft(uow(), actor, fields)
        if n >= 46:
            continue
        enrollments.submit(uow(), actor, draft.id, today=today)
        submitted_ids.append(draft.id)
    with uow() as work:
        for enrollment_id, reason in (
            (submitted_ids[3], "Nama tidak sesuai KTP; foto KTP buram."),
            (submitted_ids[7], "Nomor HP tidak aktif, mohon konfirmasi ulang."),
        ):
            old = work.enrollments.get(enrollment_id)
            assert old is not None
            work.enrollments.update(
                dataclasses.replace(
                    old,
                    status=keys.EnrollmentStatus.NEEDS_CORRECTION,
                    review_reason=reason,
                    version=1,
                ),
                sync_state="synced",
            )
        work.commit()
    # history: most records were made on earlier days
    with engine.begin() as conn:
        import sqlalchemy as sa

        for table in (tables.Business, tables.Enrollment):
            for n, row_id in enumerate(conn.scalars(sa.select(table.id)).all()):
                if n % 4 == 0:
                    continue
                back = now - dt.timedelta(days=n % 3, hours=n % 5)
                values: dict[str, Any] = {"created_at": back.isoformat()}
                if table is tables.Enrollment:
                    # the consent is given while the form is typed, just before the submit:
                    # backdating only the submission dated the receipt before its consent
                    consent = conn.scalar(sa.select(table.consent).where(table.id == row_id))
                    values["submitted_at"] = back.isoformat()
                    given = back - dt.timedelta(minutes=3)
                    values["consent"] = {**consent, "given_at": given.isoformat()}
                conn.execute(sa.update(table).where(table.id == row_id).values(**values))
    _sync_problems(engine, submitted_ids[10])


def _sync_problems(engine: Any, enrollment_id: str) -> None:
    """Two answers of the server to show on the Sync page: a conflict on an enrollment the
    supervisor corrected meanwhile (the phone), and a business the server refused (an event
    it does not know)."""
    import sqlalchemy as sa

    from agent_app.storage import tables

    t = tables.OutboxOp
    with engine.begin() as conn:
        op = conn.execute(
            sa.select(t).where(t.entity_id == enrollment_id).order_by(t.op_seq.desc()).limit(1)
        ).one()
        current = {**op.fields, "phone": "+6281373112090", "status": "needs_correction"}
        message = "Someone else changed phone since version 1."
        conn.execute(
            sa.update(t)
            .where(t.op_seq == op.op_seq)
            .values(
                status="conflict",
                error_code="field_changed",
                error_message=message,
                result={
                    "status": "conflict",
                    "error": {"code": "field_changed", "field": "phone", "message": message},
                    "current": current,
                    "entity_version": 2,
                },
            )
        )
        conn.execute(
            sa.update(tables.Enrollment)
            .where(tables.Enrollment.id == enrollment_id)
            .values(sync_state="conflict")
        )
        business_op = conn.execute(
            sa.select(t).where(t.entity == "business").order_by(t.op_seq.desc()).limit(1)
        ).one()
        refused = "The server has no such event."
        conn.execute(
            sa.update(t)
            .where(t.op_seq == business_op.op_seq)
            .values(
                status="rejected",
                error_code="unknown_reference",
                error_message=refused,
                result={
                    "status": "rejected",
                    "error": {"code": "unknown_reference", "field": "event_id", "message": refused},
                },
            )
        )
        conn.execute(
            sa.update(tables.Business)
            .where(tables.Business.id == business_op.entity_id)
            .values(sync_state="rejected")
        )


def new_id() -> str:
    return str(uuid.uuid4())
