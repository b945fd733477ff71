"""Benchmark: a push of 500 business creates into a branch that already has N businesses, with
and without the search for likely duplicates (issue 18), in this process (`apply_batch`, the
push's transaction, no HTTP). Since the search is judged after the push commits (issue 15),
"with" times the push (its transaction: what holds the write lock, now queueing the
businesses) and then, apart, the drain that judges them (`checks.drain`, as the push's
background task runs it).

"without" replaces the batch's `suspects.Queue` with one that does nothing: the push as it was
before issue 18. About a tenth of the new businesses share a phone with an existing one and a
tenth have a look-alike name in the same district.

    .venv/bin/python tests/bench/bench_business_push.py --existing 5000 --n 500 --repeat 3
    .venv/bin/python tests/bench/bench_business_push.py --pg-url "$TEST_DATABASE_URL"
    .venv/bin/python tests/bench/bench_business_push.py --numbered --existing 30000

`--numbered` is the pathological case (issue 15): every business of the branch, and every new
one, is "Usaha Uji N" in one district (a market's numbered kiosks; a hostile agent): each name
is like thousands of others. `--modes` picks the modes run (`without,with` by default).
`--compare-bound` compares the new names' candidates with and without `PROBE_LIMIT` instead.

The last lines read `business_push db=... existing=... n=... mode=... seconds=... cpu=...
drain_seconds=... drain_cpu=... pairs=...` (medians; cpu: this process's `process_time`),
each "with" run's line before them `drain_write seconds=...` (the drain's write transaction,
under the push's lock).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import sqlalchemy as sa  # noqa: E402
from helpers.databases import scratch_database  # noqa: E402

from agent_app.domain import duplicates  # noqa: E402
from sync import protocol  # noqa: E402
from sync.server import admin, config, db, migrate  # noqa: E402
from sync.server.prospects import checks, suspects  # noqa: E402
from sync.server.prospects.tables import BusinessDuplicate  # noqa: E402
from sync.server.push import Caller, apply_batch  # noqa: E402

WIB = dt.timezone(dt.timedelta(hours=7))
KINDS = [
    "Warung",
    "Toko",
    "Pempek",
    "Salon",
    "Bengkel",
    "Kopi",
    "Laundry",
    "Jahit",
    "Katering",
    "Apotek",
    "Bakso",
    "Soto",
    "Martabak",
    "Mebel",
    "Percetakan",
    "Konter",
    "Sembako",
    "Tenun",
    "Songket",
    "Kerupuk",
]
OWNERS = [
    "Sri",
    "Tini",
    "Dewi",
    "Rudi",
    "Agus",
    "Yanti",
    "Budi",
    "Eka",
    "Lina",
    "Hadi",
    "Rina",
    "Joko",
    "Wati",
    "Yusuf",
    "Siti",
    "Ani",
    "Bambang",
    "Citra",
    "Dodi",
    "Fitri",
    "Gita",
    "Hendra",
    "Indah",
    "Kurnia",
    "Lukman",
    "Maya",
    "Nanda",
    "Oki",
    "Putri",
    "Rahmat",
    "Sari",
    "Taufik",
    "Umar",
    "Vina",
    "Wahyu",
    "Yogi",
    "Zainal",
    "Ayu",
    "Bayu",
    "Cahya",
    "Dimas",
    "Erna",
    "Farid",
    "Gilang",
    "Hana",
    "Irfan",
    "Jihan",
    "Kiki",
]
PLACES = [
    "Ilir",
    "Ulu",
    "Plaju",
    "Sako",
    "Kemuning",
    "Seberang",
    "Jakabaring",
    "Kertapati",
    "Bukit",
    "Sukarami",
    "Kalidoni",
    "Gandus",
    "Alang",
    "Sematang",
    "Borang",
    "Pasar",
    "Kenten",
    "Talang",
    "Km5",
    "Macan",
    "Lindungan",
    "Demang",
    "Lebar",
    "Daun",
]
DISTRICTS = [f"16.71.{i:02d}" for i in range(1, 19)]


def _name(i: int) -> str:
    """A name made of a kind, an owner and a place, distinct for the first 20,000 i."""
    j = (i * 7919) % (len(KINDS) * len(OWNERS) * len(PLACES))
    kind, rest = divmod(j, len(OWNERS) * len(PLACES))
    owner, place = divmod(rest, len(PLACES))
    return f"{KINDS[kind]} {OWNERS[owner]} {PLACES[place]}"


#: The district of every new business, when set (`--one-district`: a laptop's usual batch).
ONE_DISTRICT: list[str] = []


#: Set by `--numbered`: every name "Usaha Uji N", every business in the first district.
NUMBERED: list[bool] = []


def _fields(i: int, phone: int, name: str | None = None) -> dict[str, Any]:
    if NUMBERED:
        return {
            "name": name or f"Usaha Uji {i + 1}",
            "owner_name": f"Pemilik {i}",
            "phone": f"+62812{phone:08d}",
            "region_code": DISTRICTS[0],
            "status": "prospect",
        }
    return {
        "name": name or _name(i),
        "owner_name": f"Pemilik {i}",
        "phone": f"+62812{phone:08d}",
        "address": f"Jl. Contoh No. {i}",
        "region_code": ONE_DISTRICT[0] if ONE_DISTRICT else DISTRICTS[i % len(DISTRICTS)],
        "status": "prospect",
    }


def _ops(items: list[dict[str, Any]]) -> list[protocol.Op]:
    now = dt.datetime.now(WIB)
    return [
        protocol.Op(
            op_id=uuid.uuid4(),
            op_seq=n + 1,
            entity="business",
            entity_id=uuid.uuid4(),
            kind="create",
            fields=fields,
            recorded_at=now,
        )
        for n, fields in enumerate(items)
    ]


def _new_businesses(existing: int, n: int, offset: int, one_district: bool) -> list[dict[str, Any]]:
    """`n` new businesses: a tenth with an existing phone, a tenth a look-alike name."""
    ONE_DISTRICT[:] = [DISTRICTS[0]] if one_district else []
    items = []
    for k in range(n):
        i = offset + k
        if k % 10 == 0 and existing:
            items.append(_fields(i, (k * 7) % existing))  # an existing phone
        elif k % 10 == 1 and existing and not NUMBERED:
            j = (k * 13) % existing
            items.append(_fields(j, 50_000_000 + i, _name(j) + " 2"))  # a look-alike
        else:
            items.append(_fields(i, 50_000_000 + i))
    ONE_DISTRICT[:] = []
    return items


#: How long each drain's write transaction (under the push's lock) took.
WRITES: list[float] = []
_real_write = checks._write


def _timed_write(*args: Any) -> tuple[int, int]:
    began = time.perf_counter()
    try:
        return _real_write(*args)
    finally:
        WRITES.append(time.perf_counter() - began)


checks._write = _timed_write  # type: ignore[assignment]


class _Nothing(suspects.Queue):
    def flush(self, *args: Any) -> int:
        return 0


def _run(
    url: str, existing: int, n: int, mode: str, one_district: bool
) -> tuple[float, float, float, float, int]:
    engine = db.make_engine(config.Settings(database_url=url))
    migrate.upgrade(engine)
    admin.create_branch(engine, "PLG", "Palembang", "16.71", "Asia/Jakarta")
    caller = Caller("BENCH", "PLG", "agent", str(uuid.uuid4()))
    real = suspects.Queue
    suspects.Queue = _Nothing  # type: ignore[misc]
    try:
        for start in range(0, existing, 500):
            count = min(500, existing - start)
            apply_batch(engine, caller, _ops([_fields(start + i, start + i) for i in range(count)]))
    finally:
        suspects.Queue = real  # type: ignore[misc]
    if mode == "without":
        suspects.Queue = _Nothing  # type: ignore[misc]
    try:
        ops = _ops(_new_businesses(existing, n, existing, one_district))
        began, cpu = time.perf_counter(), time.process_time()
        results = apply_batch(engine, caller, ops)
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    finally:
        suspects.Queue = real  # type: ignore[misc]
    assert all(outcome.status == "applied" for _, outcome in results)
    began, drain_cpu = time.perf_counter(), time.process_time()
    checks.drain(engine)
    drain_seconds, drain_cpu = time.perf_counter() - began, time.process_time() - drain_cpu
    if mode == "with":
        print(f"drain_write seconds={WRITES[-1]:.4f}", flush=True)
    with engine.connect() as conn:
        pairs = conn.execute(sa.select(sa.func.count()).select_from(db.table(BusinessDuplicate)))
        found = int(pairs.scalar_one())
    engine.dispose()
    return seconds, cpu, drain_seconds, drain_cpu, found


def _compare_bound(existing: int, one_district: bool) -> None:
    """The 500 new names' candidates (`duplicates.Index.find`, the domain alone) with the
    probe's bound and without it: how many of the lists differ."""
    keys = [
        duplicates.BusinessKey(f"e{i}", f["name"], phone=f["phone"], region_code=f["region_code"])
        for i, f in ((i, _fields(i, i)) for i in range(existing))
    ]
    index, bound = duplicates.Index(keys), duplicates.PROBE_LIMIT
    differ = 0
    for k, f in enumerate(_new_businesses(existing, 500, existing, one_district)):
        key = duplicates.BusinessKey(
            f"n{k}", f["name"], phone=f["phone"], region_code=f["region_code"]
        )
        bounded = index.find(key)
        duplicates.PROBE_LIMIT = 10**9
        differ += bounded != index.find(key)
        duplicates.PROBE_LIMIT = bound
    print(f"business_push_bound existing={existing} one_district={one_district} differ={differ}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--existing", type=int, nargs="+", default=[5000])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one-district", action="store_true", help="new ones in one district")
    parser.add_argument("--pg-url", default=None, help="a PostgreSQL server's admin URL")
    parser.add_argument("--numbered", action="store_true", help='every name "Usaha Uji N"')
    parser.add_argument("--modes", default="without,with")
    parser.add_argument("--compare-bound", action="store_true", help="bounded vs unbounded")
    args = parser.parse_args()
    NUMBERED[:] = [True] if args.numbered else []
    if args.compare_bound:
        for existing in args.existing:
            _compare_bound(existing, args.one_district)
        return
    for existing in args.existing:
        for mode in args.modes.split(","):
            runs = [_one(args, existing, mode) for _ in range(args.repeat)]
            seconds, cpu, drain_seconds, drain_cpu = (
                statistics.median(run[k] for run in runs) for k in range(4)
            )
            db_name = "postgresql" if args.pg_url else "sqlite"
            print(
                f"business_push db={db_name} existing={existing} n={args.n} mode={mode} "
                f"one_district={args.one_district} numbered={args.numbered} "
                f"seconds={seconds:.3f} cpu={cpu:.3f} drain_seconds={drain_seconds:.3f} "
                f"drain_cpu={drain_cpu:.3f} all={','.join(f'{run[0]:.3f}' for run in runs)} "
                f"pairs={runs[-1][4]}",
                flush=True,
            )


def _one(
    args: argparse.Namespace, existing: int, mode: str
) -> tuple[float, float, float, float, int]:
    """One run in a fresh database."""
    if args.pg_url:
        with scratch_database(args.pg_url, "perisai_bench") as url:
            return _run(url, existing, args.n, mode, args.one_district)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/server.sqlite3"
        return _run(url, existing, args.n, mode, args.one_district)


if __name__ == "__main__":
    main()
