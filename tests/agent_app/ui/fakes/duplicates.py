"""The duplicate check of a new business, in memory (`agent_app.domain.duplicates` over the
fake's businesses, as `services.business_duplicates` judges the rows SQL narrowed)."""

from __future__ import annotations

from typing import Any

from agent_app.domain import duplicates, records
from agent_app.services.business_duplicates import BusinessBrief, DuplicateCandidate


class FakeDuplicates:
    businesses: dict[str, records.Business]

    def duplicate_candidates(self, fields: dict[str, Any]) -> list[DuplicateCandidate]:
        self._call("duplicate_candidates")  # type: ignore[attr-defined]
        new = duplicates.BusinessKey(
            "",
            fields.get("name") or "",
            fields.get("nib"),
            fields.get("phone"),
            fields.get("region_code"),
        )
        keys = [
            duplicates.BusinessKey(b.id, b.name, b.nib, b.phone, b.region_code)
            for b in self.businesses.values()
        ]
        found = []
        for candidate in duplicates.find(new, keys)[:5]:
            b = self.businesses[candidate.business_id]
            brief = BusinessBrief(
                b.id,
                b.name,
                b.owner_name,
                b.phone,
                b.nib,
                b.address,
                b.region_code,
                b.partner_source,
            )
            found.append(DuplicateCandidate(brief, candidate.reason, candidate.score))
        return found
