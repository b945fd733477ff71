"""The console's coverage page on the demo seed (`seed-demo`), on SQLite and PostgreSQL: the
branch target of 1,441 employers and the booth's 100 UMKM show in tables and in a chart drawn
with SVG attributes only; another branch's supervisor sees none of it (404 for its event by
URL); bad dates are refused beside their field in the person's language."""

from __future__ import annotations

import re

import pytest
from conftest import Console
from srv_support import PASSWORD, World

from sync.server import admin
from sync.server.admin import demo


@pytest.fixture
def seeded(world: World) -> demo.Demo:
    made = demo.seed_demo(world.engine, world.settings)
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("S2", "LLG", role="supervisor")
    return made


def signed_in(world: World, code: str, password: str, lang: str = "id") -> Console:
    browser = Console(world)
    assert browser.sign_in(code, password, lang=lang).status_code == 303
    return browser


def rows(html: str) -> list[list[str]]:
    """The data tables' rows as lists of cell texts."""
    found = []
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        if cells:
            found.append(cells)
    return found


def test_the_seeds_example_shows_in_tables_and_chart(world: World, seeded: demo.Demo) -> None:
    browser = signed_in(world, "SPV01", seeded.passwords["SPV01"])
    page = browser.get("/console/coverage")
    assert page.status_code == 200
    table = rows(page.text)
    employers = next(r for r in table if r[1] == "Pemberi kerja diterima")
    assert employers[0] == "Palembang"
    # Accepted registrations, then those still waiting for review (the sent back in neither).
    waiting = demo.BOOTH_EMPLOYERS - demo.EMPLOYERS_ACCEPTED - demo.EMPLOYERS_SENT_BACK
    assert employers[3:] == ["1.441", str(demo.EMPLOYERS_ACCEPTED), "1,7%", str(waiting)]
    booth = next(r for r in table if r[:2] == ["Sumsel Marketing", "UMKM terdaftar"])
    assert booth[3:] == ["100", "100", "100%", "-"]
    assert "<svg" in page.text and "Capaian terhadap setiap target" in page.text
    # Bars are drawn with attributes: nothing the CSP would block.
    assert "style=" not in page.text and "<script>" not in page.text
    assert re.search(r'<rect x="360" y="1" width="520\.0" height="16" fill="#2e7d32">', page.text)
    english = signed_in(world, "ADM01", seeded.passwords["ADM01"], lang="en").get(
        "/console/coverage", branch="PLG"
    )
    assert "1,441" in english.text and "UMKM registered" in english.text
    assert "All branches" in english.text  # an admin may choose the branch


def test_another_branchs_supervisor_sees_nothing_of_plg(world: World, seeded: demo.Demo) -> None:
    browser = signed_in(world, "S2", PASSWORD)
    page = browser.get("/console/coverage")
    assert page.status_code == 200
    assert "Sumsel Marketing" not in page.text and "1.441" not in page.text
    for params in ({"event": seeded.event_id}, {"agent": "AGN01"}):
        hidden = browser.get("/console/coverage", **params)
        assert hidden.status_code == 404, params
        assert "Sumsel Marketing" not in hidden.text and "Agen Demo" not in hidden.text
    # A supervisor cannot widen the view with a branch filter (it is an admin's only).
    other = browser.get("/console/coverage", branch="PLG")
    assert other.status_code == 200 and "Sumsel Marketing" not in other.text


def test_a_bad_date_is_refused_beside_its_field(world: World, seeded: demo.Demo) -> None:
    browser = signed_in(world, "SPV01", seeded.passwords["SPV01"])
    page = browser.get("/console/coverage", period_from="2026-13-01")
    assert page.status_code == 422
    error = re.search(r'<p class="error" id="error-period_from">([^<]+)</p>', page.text)
    assert error and error.group(1).startswith("Tulis tanggal")
    assert 'value="2026-13-01"' in page.text  # what was typed stays
    backwards = browser.get("/console/coverage", period_from="2026-12-05", period_to="2026-12-01")
    assert backwards.status_code == 422 and 'id="error-period_to"' in backwards.text
    admin.set_target(world.engine, "branch", "LLG", "visits", 5, "2026-12-01", "2026-12-31")
    assert browser.get("/console/coverage").status_code == 200
