"""The console's prospect lists: upload, the mapping and preview page, the import with its
notice; bad files answered on the form (never a 500), the CSRF token and the branch checked."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
from conftest import Console
from srv_support import World

from sync.server import db
from sync.server.prospects.tables import ProspectList

CSV = (
    b"Nama Usaha,No. HP,Alamat,Jenis Usaha\n"
    b"Warung Bu Sri,0812-3456-7001,Kec. Plaju,Makanan\n"
    b"KEDAI KOPI SENJA,081234567002,Jl. Merdeka Kec. Sako,minuman\n"
    b"Toko Bangunan,0711 123456,,\n"
)


def post_file(
    console: Console, content: bytes, name: str = "daftar.csv", **data: str
) -> httpx.Response:
    form = {"csrf_token": console.csrf, "source_name": "Koperasi Maju", **data}
    return console.client.post(
        "/console/prospects/upload", data=form, files={"file": (name, content, "text/csv")}
    )


def setup(world: World, console: Callable[..., Console]) -> Console:
    world.standard()
    world.branch("JBI", "Jambi", "15.71")
    world.agent("S9", "JBI", "supervisor")
    page = console("S1")
    page.get("/console/prospects")
    return page


def test_upload_preview_import(world: World, console: Callable[..., Console]) -> None:
    page = setup(world, console)
    answer = post_file(page, CSV)
    assert answer.status_code == 303, answer.text
    preview = page.follow(answer)
    assert preview.status_code == 200
    assert "2 baru, 0 ditautkan ke usaha yang sudah ada, 1 baris tidak diimpor." in preview.text
    assert "Nomor HP 0711 123456 tidak benar." in preview.text
    assert "Kedai Kopi Senja<br>+6281234567002<br>16.71.08" in preview.text  # as it is saved
    assert re.search(r'<option value="phone" selected>', preview.text)
    # Another branch's supervisor: not found, on the page and its form.
    other = console("S9")
    upload_path = answer.headers["location"].split("?")[0]
    assert other.get(upload_path).status_code == 404
    other.get("/console/prospects")
    assert other.post(upload_path, {"do": "import"}).status_code == 404
    # Without the CSRF token nothing is imported.
    assert page.post(upload_path, {"do": "import"}, csrf=False).status_code == 403
    # A mapping without the name: the message beside the columns, nothing imported.
    targets: dict[str, Any] = {"target": ["", "phone", "address", "sector"]}
    refused = page.post(upload_path, {"do": "import", "source_name": "K", **targets})
    assert refused.status_code == 422 and "Pilih kolom yang berisi nama usaha." in refused.text
    done = page.post(
        upload_path,
        {
            "do": "import",
            "source_name": "Koperasi Maju",
            "target": ["name", "phone", "address", "sector"],
        },
    )
    index = page.follow(done)
    assert "Daftar diimpor: 2 baru, 0 ditautkan" in index.text
    with world.engine.connect() as conn:
        (made,) = conn.execute(db.table(ProspectList).select()).all()
    assert f'href="/console/prospects/{made.id}"' in index.text
    assert "Koperasi Maju" in index.text and "Daftar calon" in index.text
    # The partner's mapping is proposed for its next list.
    again = page.follow(post_file(page, CSV, source="Koperasi Maju", source_name=""))
    assert 'value="Koperasi Maju"' in again.text


def test_bad_files_get_their_message(world: World, console: Callable[..., Console]) -> None:
    page = setup(world, console)
    for content, name, message in (
        (b"%PDF-1.7 binary", "daftar.pdf", "bukan daftar CSV atau Excel"),
        (b"", "kosong.csv", "Berkasnya kosong."),
        (b"\xd0\xcf\x11\xe0old", "lama.xls", "Ini berkas Excel lama (.xls)"),
    ):
        answer = post_file(page, content, name)
        assert answer.status_code == 422 and message in answer.text, name
        assert 'id="error-file"' in answer.text
    big = post_file(page, b"a," * (25 * 1024 * 1024))  # 50 MB
    assert big.status_code == 303 and big.headers["location"].endswith("?too_large=1")
    shown = page.follow(big)
    assert "Berkas lebih besar dari 10 MB." in shown.text
    no_name = post_file(page, CSV, source_name="")
    assert no_name.status_code == 422 and 'id="error-source_name"' in no_name.text
    with world.engine.connect() as conn:
        assert conn.execute(db.table(ProspectList).select()).all() == []
