"""A refused employer registration on the Sync page (issue 17): a worker's field is named by
its line in the person's language, and what the laptop can judge itself is said in the
domain's words."""

from __future__ import annotations

from agent_app.services.sync import messages
from tests.helpers.employers import worker_fields


def test_a_refused_workers_field_is_named_by_its_line_in_both_languages() -> None:
    fields = {"workers": [worker_fields(0), worker_fields(1, monthly_wage="12x")]}
    problem, advice = messages.explain(
        "invalid_field", "workers[1].monthly_wage", None, "employer_registration", fields
    )
    assert problem.id == "Pekerja 2: Upah per bulan: Harus bilangan bulat."
    assert problem.en == "Worker 2: Monthly wage: Must be a whole number."
    assert "Pekerja 2: Upah per bulan" in advice.id
    enrolled, _ = messages.explain(
        "nik_already_enrolled", "workers[0].nik", None, "employer_registration", fields
    )
    assert "NIK" in enrolled.id and enrolled.id != enrolled.en
