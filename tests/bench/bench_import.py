"""Benchmark of a partner list's import (issue 18, item 1): 10,000 rows into a branch that
already has a few thousand businesses, the preview and the import timed apart, on SQLite and
PostgreSQL.

Run:  .venv/bin/python tests/bench/bench_import.py [--rows 10000] [--existing 3000]
          [--pg-url postgresql+psycopg://...] [--cold]

A fresh database (SQLite file in a temporary folder; PostgreSQL: a scratch database on the
server of --pg-url or TEST_DATABASE_URL, dropped afterwards; skipped without one) at the head
revision. Branch PLG (region 16.71, Palembang) gets --existing businesses (bulk insert, names
from the same vocabulary, in Palembang's kecamatan). The list is a CSV in Windows-1252 with
Indonesian headers: synthetic names (a kind of business, a name, sometimes a place or a
number), phones in the local forms partners write (0812-..., 62812..., +62 812 ..., 812...
where a spreadsheet dropped the 0), addresses naming Palembang's kecamatan (some with roman
numerals, some with "Kec."), about 2% with a landline (bad), 3% with the phone of an existing
business (linked) and 1% repeating an earlier row's phone (left out).

Prints `import_bench db=... rows=... existing=... read_s=... preview_s=... preview_cpu_s=...
import_s=... import_cpu_s=... created=... linked=... left_out=... suspects=... load=...`
(`_cpu_s`: this process's CPU time, which other jobs on the machine disturb less than the
wall clock; load: the 1-minute load average then); the goal is an import under 30 s. Asserts
no timing.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import sqlalchemy as sa  # noqa: E402
from helpers.databases import scratch_database  # noqa: E402

from sync.server import admin, config, db, migrate  # noqa: E402
from sync.server.admin.review import Reviewer  # noqa: E402
from sync.server.prospects import importing, reading, uploads  # noqa: E402
from sync.server.prospects.tables import BusinessDuplicate  # noqa: E402

KINDS = (
    "Warung",
    "Toko",
    "Kedai",
    "Pempek",
    "Bengkel",
    "Salon",
    "Laundry",
    "Rumah Makan",
    "Toko Kelontong",
    "Kerajinan Songket",
    "Konveksi",
    "Martabak",
    "Tekwan",
    "Kopi",
    "Jahit",
)
TITLES = ("Bu", "Pak", "Cek", "Mang", "Kak", "Yuk", "Wak", "Bang", "Mbak", "Koh", "Cik", "Mas")
FIRST = (
    "Sri", "Budi", "Molek", "Udin", "Yati", "Darmo", "Ani", "Rina", "Jali", "Tini", "Ahong",
    "Imah", "Rahmat", "Rosmala", "Joko", "Ipah", "Siti", "Ujang", "Dewi", "Somad", "Leni",
    "Fajar", "Bastian", "Lastri", "Herman", "Ling", "Ijah", "Agus", "Bambang", "Cahya", "Dedi",
    "Eka", "Fitri", "Gita", "Hendra", "Indah", "Juni", "Kurnia", "Lina", "Maya", "Nurul",
    "Oki", "Putu", "Rudi", "Sari", "Taufik", "Umar", "Vina", "Wawan", "Yanto", "Zainal",
    "Arif", "Bayu", "Citra", "Dian", "Erna", "Firman", "Gunawan", "Hasan", "Irwan", "Jamal",
    "Kartini", "Lukman", "Marni", "Nanang", "Oman", "Pandi", "Ratna", "Suryadi", "Tuti",
    "Usman", "Wati", "Yusuf", "Zubaidah", "Anwar", "Badrun", "Chairul", "Darsih", "Effendi",
    "Ferry", "Ghani", "Halimah", "Iskandar", "Jumadi", "Komar", "Lestiani", "Mulyadi",
)  # fmt: skip
NAMES = tuple(f"{title} {first}" for title in TITLES for first in FIRST)
PLACES = (
    "", "", "", "Sejahtera", "Berkah", "Jaya", "Makmur", "Barokah", "Lestari", "Mandiri",
    "Sentosa", "Abadi", "Indah", "Murni", "Putra", "Putri", "Baru", "Lama", "Asli", "Raya",
    "Sumsel", "Musi", "Ampera", "Kenanga", "Melati", "Mawar",
)  # fmt: skip
KECAMATAN = (
    "Ilir Barat I", "Ilir Barat II", "Seberang Ulu I", "Seberang Ulu II", "Ilir Timur I",
    "Ilir Timur II", "Ilir Timur III", "Sukarami", "Sako", "Kemuning", "Kalidoni",
    "Bukit Kecil", "Gandus", "Kertapati", "Plaju", "Alang-alang Lebar", "Sematang Borang",
    "Jakabaring",
)  # fmt: skip
STREETS = ("Jl. Merdeka", "Jl. Sudirman", "Jl. Kol. Atmo", "Jl. Demang Lebar Daun", "Lrg. Sepakat")


def name_of(rng: random.Random, i: int) -> str:
    parts = [rng.choice(KINDS), rng.choice(NAMES), rng.choice(PLACES)]
    if i % 7 == 0:
        parts.append(str(1 + i % 9))
    return " ".join(p for p in parts if p)


def phone_of(i: int, form: int) -> str:
    digits = f"812{i:08d}"  # 11 digits after the 0: +62812xxxxxxxx
    return (
        f"0{digits[:3]}-{digits[3:7]}-{digits[7:]}",
        f"62{digits}",
        f"+62 {digits[:3]} {digits[3:7]} {digits[7:]}",
        digits,
    )[form % 4]


def address_of(rng: random.Random) -> str:
    kec = rng.choice(KECAMATAN)
    marked = "Kec. " if rng.random() < 0.5 else ""
    return f"{rng.choice(STREETS)} No. {rng.randint(1, 300)}, {marked}{kec}, Palembang"


def seed(engine: Any, existing: int, rng: random.Random) -> None:
    """Branch PLG with `existing` businesses (phones 1..existing)."""
    admin.create_branch(engine, "PLG", "Palembang", "16.71", "Asia/Jakarta")
    table = db.table(db.Record)
    now = db.utcnow()
    rows = []
    districts = [f"16.71.{d:02d}" for d in range(1, 19)]
    for i in range(existing):
        fields = {
            "name": name_of(rng, i),
            "phone": f"+62812{i + 1:08d}",
            "region_code": rng.choice(districts),
            "status": "prospect",
        }
        rows.append(
            {
                "entity_id": str(uuid.uuid4()),
                "entity": "business",
                "branch_code": "PLG",
                "owner_code": "A01",
                "version": 1,
                "deleted": False,
                "fields": fields,
                "field_versions": {},
                "server_seq": i + 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    with engine.begin() as conn:
        conn.execute(table.insert(), rows)
        conn.execute(sa.text("UPDATE seq_counter SET value = :v WHERE id = 1"), {"v": existing})


def the_list(rows: int, existing: int, rng: random.Random) -> bytes:
    lines = ["No;Nama Usaha;Pemilik;No. HP/WA;Alamat Usaha;Jenis Usaha;Jumlah Karyawan"]
    for i in range(rows):
        roll = rng.random()
        if roll < 0.02:
            phone = "0711 35" + f"{i:04d}"  # a landline
        elif roll < 0.05:
            phone = phone_of(rng.randint(1, existing), i)  # an existing business
        elif roll < 0.06 and i > 10:
            phone = phone_of(existing + i - 5, i)  # repeats a row of this list
        else:
            phone = phone_of(existing + i, i)
        owner = rng.choice(NAMES).split(" ", 1)[1]
        lines.append(
            f"{i + 1};{name_of(rng, i + existing)};{owner};{phone};{address_of(rng)};"
            f"{rng.choice(('Makanan', 'Perdagangan', 'Jasa', 'Kerajinan'))};{rng.randint(0, 12)}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def run(url: str, label: str, rows: int, existing: int, cold: bool) -> None:
    settings = config.Settings(database_url=url)
    engine = db.make_engine(settings)
    migrate.upgrade(engine)
    rng = random.Random(18)
    seed(engine, existing, rng)
    content = the_list(rows, existing, rng)
    who = Reviewer("S1", "PLG")
    importing.resolver("16.71")  # the region names load once per process (about 0.5 s)
    started = time.perf_counter()
    reading.read(content, "daftar.csv")
    read_s = time.perf_counter() - started
    upload_id = uploads.save(engine, who, "PLG", "daftar.csv", content)
    started, cpu = time.perf_counter(), time.process_time()
    seen = importing.preview(engine, upload_id, who, None)
    preview_s, preview_cpu = time.perf_counter() - started, time.process_time() - cpu
    if cold:  # as on another worker than the preview's: every row judged again
        importing._JUDGED.clear()
    started, cpu = time.perf_counter(), time.process_time()
    done = importing.import_list(engine, upload_id, who, seen.targets, "Koperasi Bench")
    import_s, import_cpu = time.perf_counter() - started, time.process_time() - cpu
    with engine.connect() as conn:
        suspects = conn.execute(sa.select(sa.func.count()).select_from(BusinessDuplicate)).scalar()
    engine.dispose()
    print(
        f"import_bench db={label} rows={rows} existing={existing} cold={cold} read_s={read_s:.2f} "
        f"preview_s={preview_s:.2f} preview_cpu_s={preview_cpu:.2f} import_s={import_s:.2f} "
        f"import_cpu_s={import_cpu:.2f} created={done.created} "
        f"linked={done.linked} left_out={done.left_out} suspects={suspects} "
        f"load={os.getloadavg()[0]:.1f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--existing", type=int, default=3_000)
    parser.add_argument("--pg-url", default=os.environ.get("TEST_DATABASE_URL", ""))
    parser.add_argument("--cold", action="store_true", help="import without the preview's cache")
    args = parser.parse_args()
    counts = (args.rows, args.existing, args.cold)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        run(f"sqlite:///{Path(tmp) / 'server.sqlite3'}", "sqlite", *counts)
    if args.pg_url:
        with scratch_database(args.pg_url, "perisai_bench_import") as url:
            run(url, "postgresql", *counts)


if __name__ == "__main__":
    main()
