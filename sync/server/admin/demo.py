"""The demo seed (`python -m sync.server seed-demo`): a new, empty database filled with the
seeds' example, for demonstrations, the console's screenshots and tests.

Branch PLG (Palembang, Asia/Jakarta) with a supervisor, four agents and an admin; the
"Sumsel Marketing" booth in the main atrium of Palembang Indah Mall, running from five days ago
to six days ahead, where 100 UMKM registered; 36 of them registered as employers (PU) with
their workers (one with 200), 24 of those accepted with an NPP, 2 sent back, the rest waiting
for review; a branch target of 1,441 new employers over the event; enrollments of BPU workers
submitted for review (some accepted, some sent back), visits, and event and agent targets.

Everything goes through the services the laptops and the console use: the accounts, event and
targets through `admin`, the records as each agent's pushed batch (`push.apply_batch`: the
NIK guard and the ledger as for a laptop), the reviews through `admin.review`. Every name,
phone number and NIK is synthetic (district 16.71.xx, serials from 0001); the passwords are
new random ones, printed once in the command's output and stored nowhere else.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_app.domain import clock, contributions
from sync import protocol
from sync.server import config, db, push
from sync.server.admin import agents, demo_employers, demo_prospects, people, records, review
from sync.server.admin.common import AdminError
from sync.server.prospects import checks

BRANCH = ("PLG", "Palembang", "16.71", "Asia/Jakarta")
#: (code, name, role): nobody real.
ACCOUNTS = (
    ("SPV01", "Supervisor Demo Palembang", "supervisor"),
    ("AGN01", "Agen Demo Satu", "agent"),
    ("AGN02", "Agen Demo Dua", "agent"),
    ("AGN03", "Agen Demo Tiga", "agent"),
    ("AGN04", "Agen Demo Empat", "agent"),
    ("ADM01", "Admin Demo Nasional", "admin"),
)
AGENTS = ("AGN01", "AGN02", "AGN03", "AGN04")
EVENT_NAME = "Sumsel Marketing"
EVENT_VENUE = "Atrium utama Palembang Indah Mall"
BOOTH_UMKM = 100
BOOTH_EMPLOYERS = 36
EMPLOYERS_ACCEPTED = 24
EMPLOYERS_SENT_BACK = 2
#: The workers of the booth's largest employer (the review page of a long registration).
BIG_EMPLOYER_WORKERS = 200
STREET_UMKM = 20
WORKERS = 40
ACCEPTED = 8
SENT_BACK = 3
EMPLOYERS_GOAL = 1441

FOODS = ("Pempek", "Tekwan", "Model", "Laksan", "Martabak", "Pindang", "Kopi", "Kerupuk")
SHOPS = ("Toko", "Warung", "Kios", "Songket", "Jahit", "Salon", "Depot", "Bengkel")
CALLS = ("Cek", "Bu", "Pak", "Mang", "Wak", "Yuk", "Kak", "Mbak")
WORDS = ("Molek", "Berkah", "Jaya", "Sari", "Makmur", "Abadi", "Lestari", "Rezeki", "Amanah")
FIRST = ("Siti", "Rina", "Ahmad", "Budi", "Dewi", "Agus", "Yanti", "Rudi", "Wati", "Joko")
FAMILY = ("Aminah", "Marlina", "Santoso", "Wijaya", "Saputra", "Rohani", "Kusuma", "Pratama")
OCCUPATIONS = ("pedagang", "penjual_makanan", "pengrajin", "penjahit", "pengemudi")
SECTORS = {"Pempek": "kuliner", "Songket": "kerajinan", "Jahit": "jasa", "Salon": "jasa"}


@dataclass(frozen=True)
class Demo:
    """What the seed made: the accounts' one-time passwords and the records' ids."""

    passwords: dict[str, str]
    event_id: str
    booth_businesses: list[str]
    enrollments: list[str]
    employers: list[str]
    prospect_list: str

    def report(self) -> str:
        lines = [
            "demo seeded: branch PLG (Palembang, Asia/Jakarta), event "
            f"{EVENT_NAME} ({self.event_id}) with {len(self.booth_businesses)} UMKM registered, "
            f"{len(self.employers)} employer registrations, a branch target of "
            f"{EMPLOYERS_GOAL} employers, {len(self.enrollments)} enrollments for review, and "
            f"{demo_prospects.SOURCE}'s list of UMKM imported ({self.prospect_list})",
            "demo accounts (synthetic people; these passwords are shown only here):",
        ]
        for code, name, role in ACCOUNTS:
            lines.append(f"  {code:6} {role:10} {name:28} password {self.passwords[code]}")
        return "\n".join(lines)


def _refuse_unless_empty(engine: Engine) -> None:
    with engine.connect() as conn:
        for model in (db.Branch, db.Agent, db.Record):
            table = db.table(model)
            if conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
                raise AdminError(
                    "the database already holds data: seed-demo fills only a new, empty database"
                )


def _nik(rng: random.Random, serial: int) -> tuple[str, str, str]:
    """(NIK, birth date, gender) of a made-up person in Kota Palembang."""
    female = rng.random() < 0.5
    born = dt.date(rng.randrange(1970, 2004), rng.randrange(1, 13), rng.randrange(1, 29))
    district = f"1671{rng.randrange(1, 13):02d}"
    day = born.day + (40 if female else 0)
    return f"{district}{day:02d}{born:%m%y}{serial:04d}", born.isoformat(), "F" if female else "M"


def _business(rng: random.Random, n: int, **fields: Any) -> dict[str, Any]:
    kind = rng.choice(FOODS + SHOPS)
    name = f"{kind} {rng.choice(CALLS)} {rng.choice(WORDS)} {n + 1}"
    return {
        "name": name,
        "owner_name": f"{rng.choice(FIRST)} {rng.choice(FAMILY)}",
        "phone": f"+62812000{n:05d}",
        "sector": SECTORS.get(kind, "kuliner" if kind in FOODS else "perdagangan"),
        "size_class": "mikro",
        "workers_count": rng.randrange(1, 8),
        "address": f"Jl. Demo No. {n + 1}, Palembang",
        "region_code": f"16.71.{rng.randrange(1, 13):02d}",
        "status": "prospect",
        **fields,
    }


def _enrollment(rng: random.Random, n: int, today: dt.date, **fields: Any) -> dict[str, Any]:
    nik, born, gender = _nik(rng, n + 1)
    occupation = rng.choice(OCCUPATIONS)
    income = rng.choice((1_500_000, 2_000_000, 2_500_000, 3_000_000))
    programs = ["JKK", "JKM", "JHT"] if n % 3 == 0 else ["JKK", "JKM"]
    quote = contributions.quote(income, programs, 1, today, occupation)
    return {
        "nik": nik,
        "full_name": f"{rng.choice(FIRST)} {rng.choice(FAMILY)} Demo",
        "birth_place": "Palembang",
        "birth_date": born,
        "gender": gender,
        "phone": f"+62813000{n:05d}",
        "email": None,
        "address": f"Jl. Contoh Demo No. {n + 1}, Palembang",
        "region_code": "16.71.03",
        "occupation": occupation,
        "declared_income": income,
        "programs": programs,
        "period_months": 1,
        "paid_by_state": False,
        "monthly_contribution": quote.monthly_total,
        "consent": {"text_version": "2026-01", "given_at": clock_now().isoformat()},
        **fields,
    }


def clock_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class _Pusher:
    """Pushes records as the agents' laptops would (one device each, one batch per agent)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.seq = 0
        self.waiting: dict[str, list[protocol.Op]] = {}

    def add(self, agent: str, entity: str, fields: dict[str, Any]) -> str:
        entity_id = str(uuid.uuid4())
        self.seq += 1
        op = {
            "op_id": str(uuid.uuid4()),
            "op_seq": self.seq,
            "entity": entity,
            "entity_id": entity_id,
            "kind": "create",
            "fields": fields,
            "recorded_at": clock_now().isoformat(),
        }
        self.waiting.setdefault(agent, []).append(protocol.Op.model_validate(op))
        return entity_id

    def flush(self) -> None:
        for agent, ops in self.waiting.items():
            device = str(uuid.uuid5(uuid.NAMESPACE_URL, f"perisai-demo-device:{agent}"))
            caller = push.Caller(agent, BRANCH[0], "agent", device)
            for op_id, outcome in push.apply_batch(self.engine, caller, ops):
                if outcome.status != "applied":
                    raise AdminError(f"demo op {op_id} was {outcome.status}: {outcome.error}")
        self.waiting = {}
        checks.drain(self.engine)  # the suspected duplicates, as a push's answer would judge


def _accounts(engine: Engine, settings: config.Settings) -> dict[str, str]:
    people.create_branch(engine, *BRANCH)
    passwords = {code: secrets.token_urlsafe(12) for code, _, _ in ACCOUNTS}
    for code, name, role in ACCOUNTS:
        agents.create_agent(engine, settings, code, name, BRANCH[0], role, passwords[code])
    return passwords


def _event_and_targets(engine: Engine, today: dt.date) -> str:
    event_id = str(uuid.uuid5(uuid.NAMESPACE_URL, "perisai-demo-event:sumsel-marketing"))
    start, end = today - dt.timedelta(days=5), today + dt.timedelta(days=6)
    records.create_event(engine, EVENT_NAME, EVENT_VENUE, BRANCH[0], str(start), str(end), event_id)
    span = (str(start), str(end))
    month = (str(today.replace(day=1)), str(_month_end(today)))
    records.set_target(engine, "branch", BRANCH[0], "employers", EMPLOYERS_GOAL, *span)
    records.set_target(engine, "branch", BRANCH[0], "enrollments", 200, *month)
    records.set_target(engine, "event", event_id, "businesses", BOOTH_UMKM, *span)
    records.set_target(engine, "event", event_id, "enrollments", 60, *span)
    for agent in AGENTS:
        records.set_target(engine, "agent", agent, "enrollments", 15, *month)
        records.set_target(engine, "agent", agent, "visits", 30, *month)
    return event_id


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def seed_demo(engine: Engine, settings: config.Settings) -> Demo:
    """Fills an empty database with the example (see the module docstring)."""
    _refuse_unless_empty(engine)
    rng = random.Random(EMPLOYERS_GOAL)
    today = clock.today(BRANCH[3])
    passwords = _accounts(engine, settings)
    event_id = _event_and_targets(engine, today)
    pusher = _Pusher(engine)
    booth, booth_fields = [], []
    for i in range(BOOTH_UMKM):
        booth_fields.append(_business(rng, i, event_id=event_id, status="contacted"))
        booth.append(pusher.add(AGENTS[i % len(AGENTS)], "business", booth_fields[-1]))
    street = [
        pusher.add(AGENTS[i % 2], "business", _business(rng, BOOTH_UMKM + i))
        for i in range(STREET_UMKM)
    ]
    pusher.flush()
    _visits(rng, pusher, event_id, booth, street)
    enrollments = [
        pusher.add(
            AGENTS[i % len(AGENTS)],
            "enrollment",
            _enrollment(rng, i, today, event_id=event_id if i % 2 == 0 else None),
        )
        for i in range(WORKERS)
    ]
    pusher.flush()
    supervisor = review.Reviewer(ACCOUNTS[0][0], BRANCH[0])
    for i, entity_id in enumerate(enrollments[:ACCEPTED]):
        review.accept(engine, entity_id, f"DEMO{i + 1:07d}", supervisor)
    for entity_id in enrollments[ACCEPTED : ACCEPTED + SENT_BACK]:
        review.send_back(engine, entity_id, "nik_unreadable", "Foto KTP buram.", supervisor)
    employers = _employers(rng, pusher, booth, booth_fields, today)
    prospects = demo_prospects.seed(
        engine, supervisor, BRANCH[0], event_id, rng, booth_fields, AGENTS[0], today
    )
    return Demo(passwords, event_id, booth, enrollments, employers, prospects)


def _employers(
    rng: random.Random,
    pusher: _Pusher,
    booth: list[str],
    booth_fields: list[dict[str, Any]],
    today: dt.date,
) -> list[str]:
    """The booth's first UMKM registered as employers, each by the agent who registered the
    business; the last has 200 workers and waits for review. NIK serials from 1001 on (the
    enrollments use 1 to 40)."""
    serial, made = 1001, []
    for i in range(BOOTH_EMPLOYERS):
        count = BIG_EMPLOYER_WORKERS if i == BOOTH_EMPLOYERS - 1 else rng.randrange(1, 8)
        staff = demo_employers.workers(rng, count, serial, _nik)
        owner = _nik(rng, serial + count)
        serial += count + 1
        fields = demo_employers.registration(
            rng, booth[i], booth_fields[i], staff, owner, today, clock_now().isoformat()
        )
        made.append(pusher.add(AGENTS[i % len(AGENTS)], "employer_registration", fields))
    pusher.flush()
    supervisor, only = review.Reviewer(ACCOUNTS[0][0], BRANCH[0]), (review.EMPLOYER,)
    for i, entity_id in enumerate(made[:EMPLOYERS_ACCEPTED]):
        review.accept(pusher.engine, entity_id, f"1600{i + 1:04d}", supervisor, only)
    for entity_id in made[EMPLOYERS_ACCEPTED : EMPLOYERS_ACCEPTED + EMPLOYERS_SENT_BACK]:
        note = "Tanggal mulai kerja pekerja belum diisi sesuai slip gaji."
        review.send_back(pusher.engine, entity_id, "incomplete", note, supervisor, only)
    return made


def _visits(
    rng: random.Random, pusher: _Pusher, event_id: str, booth: list[str], street: list[str]
) -> None:
    """A booth visit for every UMKM registered there; door-to-door visits to the others."""
    now = clock_now()
    for i, business_id in enumerate(booth):
        outcome = "enrolled" if i < BOOTH_EMPLOYERS else rng.choice(("interested", "follow_up"))
        fields = {
            "business_id": business_id,
            "visited_at": (now - dt.timedelta(minutes=37 * i)).isoformat(),
            "channel": "booth",
            "outcome": outcome,
            "event_id": event_id,
        }
        pusher.add(AGENTS[i % len(AGENTS)], "visit", fields)
    for i, business_id in enumerate(street * 2):
        fields = {
            "business_id": business_id,
            "visited_at": (now - dt.timedelta(hours=5 * i + 2)).isoformat(),
            "channel": "door_to_door",
            "outcome": "follow_up",
            "next_follow_up": (now + dt.timedelta(days=3)).date().isoformat(),
            "notes": "Minta datang lagi",
        }
        pusher.add(AGENTS[i % 2], "visit", fields)
