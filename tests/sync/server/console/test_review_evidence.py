"""The reviewer sees the evidence (issue 14), on SQLite and PostgreSQL: the enrollment's KTP
photo, signature and its business's storefront photo on the detail page, served by
/console/attachments/{sha256} to the branch's reviewers only (404 for another branch's); the
send-back reason `photo_unclear` sets the enrollment's `review_reason_code`."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from blob_support import entry, jpeg, png, put, sha
from srv_support import World, business_fields, enrollment_fields, op

from sync.server import db


def _setup(world: World) -> dict[str, Any]:
    a1, _, _ = world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("S2", "LLG", role="supervisor")
    world.agent("N1", "PLG", role="admin")
    ktp, storefront, signature = jpeg(1), jpeg(2), png(3)
    put(a1, ktp)
    put(a1, storefront)
    put(a1, signature, "image/png")
    business = op(
        "business",
        "create",
        fields=business_fields(attachments=[entry(storefront, "storefront_photo")]),
    )
    enrollment_id = str(uuid.uuid4())
    enrollment = op(
        "enrollment",
        "create",
        enrollment_id,
        enrollment_fields(
            1,
            business_id=business["entity_id"],
            attachments=[
                entry(signature, "consent_signature", "image/png"),
                entry(ktp),
            ],
        ),
    )
    assert [r["status"] for r in a1.push(business, enrollment)] == ["applied", "applied"]
    return {"id": enrollment_id, "ktp": ktp, "storefront": storefront, "signature": signature}


def test_the_detail_page_shows_the_photos(world: World, console: Any) -> None:
    made = _setup(world)
    page = console("S1").get(f"/console/review/{made['id']}")
    assert page.status_code == 200
    text = page.text
    ktp, signature, storefront = (sha(made[k]) for k in ("ktp", "signature", "storefront"))
    assert f'<img src="/console/attachments/{ktp}" alt="Foto KTP">' in text
    assert f'href="/console/attachments/{ktp}"' in text  # the larger view
    assert f'src="/console/attachments/{signature}"' in text
    assert f'src="/console/attachments/{storefront}"' in text
    assert text.index(ktp) < text.index(signature) < text.index(storefront)
    assert "Foto dan tanda tangan" in text
    assert "img-src 'self'" in page.headers["content-security-policy"]


def test_the_image_goes_to_the_branch_reviewers_only(world: World, console: Any) -> None:
    made = _setup(world)
    url = f"/console/attachments/{sha(made['ktp'])}"
    shown = console("S1").get(url)
    assert shown.status_code == 200
    assert shown.content == made["ktp"]
    assert shown.headers["content-type"] == "image/jpeg"
    assert shown.headers["cache-control"] == "private, no-store"
    assert shown.headers["x-content-type-options"] == "nosniff"
    assert console("N1").get(url).status_code == 200  # an admin sees every branch
    other = console("S2").get(url)
    assert other.status_code == 404
    assert made["ktp"] not in other.content
    assert console("S1").get("/console/attachments/" + "0" * 64).status_code == 404
    assert console("S1").get("/console/attachments/nonsense").status_code == 404
    signed_out = console(None).get(url)
    assert signed_out.status_code == 303  # to the sign-in page


def test_photo_unclear_sets_the_reason_code(world: World, console: Any) -> None:
    made = _setup(world)
    reviewer = console("S1")
    page = reviewer.get(f"/console/review/{made['id']}")
    assert 'value="photo_unclear"' in page.text
    assert "Foto KTP buram atau tidak terbaca." in page.text
    answer = reviewer.post(f"/console/review/{made['id']}/send-back", {"reason": "photo_unclear"})
    assert answer.status_code == 303, answer.text
    table = db.table(db.Record)
    with world.engine.connect() as conn:
        fields = conn.execute(
            sa.select(table.c.fields).where(table.c.entity_id == made["id"])
        ).scalar_one()
    assert fields["status"] == "needs_correction"
    assert fields["review_reason_code"] == "photo_unclear"
    assert fields["review_reason"] == "Foto KTP buram atau tidak terbaca."
    # The agent's laptop pulls the code with the decision.
    changes, _ = world.login("A1").pull_all()
    [pulled] = [c for c in changes if c["entity_id"] == made["id"]]
    assert pulled["fields"]["review_reason_code"] == "photo_unclear"
