"""The demo's partner list (issue 18): "HIPMI Sumsel" sends the branch a list of UMKM ready to
register, as partners send them (Indonesian headers, phones in local forms, kecamatan by name,
no region codes). It is imported through the console's own services: most rows become
prospects, the rows naming a booth business's phone are linked to it, look-alikes of booth
names are kept as suspected duplicates, and two bad rows (no name; a formula and a broken phone)
are left out. The businesses of one kecamatan are then assigned to an agent. All synthetic."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from typing import Any

from lokal import wilayah
from sqlalchemy.engine import Engine

from sync.server.admin import assignments
from sync.server.admin.review import Reviewer
from sync.server.prospects import assigning, importing, uploads

SOURCE = "HIPMI Sumsel"
FILE_NAME = "hipmi-sumsel-umkm-siap-daftar.csv"
HEADERS = ("No", "Nama Usaha", "Pemilik", "No. HP/WA", "Alamat", "Kecamatan", "Jenis Usaha")
NEW_ROWS = 30
KINDS = ("Pempek", "Songket", "Kopi", "Kerupuk", "Jahit", "Laundry", "Bakso", "Kue")
NAMES = ("Sumber Rezeki", "Dua Saudara", "Harapan Baru", "Barokah", "Sentosa", "Mandiri")


def _kecamatan(region_code: str) -> str:
    district = ".".join(region_code.split(".")[:3])
    return next(w.name for w in wilayah.list_wilayah("16.71") if w.code == district)


def list_csv(rng: random.Random, booth: list[dict[str, Any]]) -> bytes:
    """The partner's file: new businesses, booth businesses again (by phone, by a look-alike
    name), and two bad rows."""
    rows: list[list[str]] = []
    places = [w.name for w in wilayah.list_wilayah("16.71")][:12]
    for i in range(NEW_ROWS):
        name = f"{KINDS[i % len(KINDS)]} {NAMES[i % len(NAMES)]} {i + 1}"
        phone = f"0813-7{i:03d}-{rng.randrange(1000, 9999)}"
        place = places[i % len(places)]
        rows.append([name, "", phone, f"Jl. Mitra No. {i + 1}", place, "Kuliner"])
    for fields in booth[:3]:  # the same phone in a local form: linked, not created again
        local = "0" + fields["phone"].removeprefix("+62")
        rows.append([fields["name"].upper(), "", local, "", _kecamatan(fields["region_code"]), ""])
    for fields in booth[3:6]:  # the words in another order, another phone: a suspect
        words = fields["name"].split()
        name = " ".join([words[0], *reversed(words[1:-1])])
        place = _kecamatan(fields["region_code"])
        rows.append([name, "", f"0857-1{rng.randrange(100000, 999999)}", "", place, ""])
    rows.append(["", "Tanpa Nama", "0813-0000-1111", "", places[0], ""])
    rows.append(["Toko Rumus", "", '=HYPERLINK("http://contoh.invalid")', "", places[1], ""])
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADERS)
    for number, row in enumerate(rows, start=1):
        writer.writerow([str(number), *row])
    return out.getvalue().encode("utf-8-sig")


def seed(
    engine: Engine,
    supervisor: Reviewer,
    branch: str,
    event_id: str,
    rng: random.Random,
    booth: list[dict[str, Any]],
    agent: str,
    today: dt.date,
) -> str:
    """Imports the partner's list and assigns one kecamatan of it; the list's id."""
    upload_id = uploads.save(engine, supervisor, branch, FILE_NAME, list_csv(rng, booth))
    targets = importing.preview(engine, upload_id, supervisor, None).targets
    done = importing.import_list(engine, upload_id, supervisor, targets, SOURCE, event_id)
    first = wilayah.list_wilayah("16.71")[0].code
    assigning.assign(
        engine,
        done.list_id,
        assigning.Choice("filter", assigning.ListFilter(district=first)),
        assignments.ManyAssignments(agent, "visit", today + dt.timedelta(days=7)),
        supervisor,
    )
    return done.list_id
