"""Registering a business as an employer (PU) with its workers (issue 17): opened from a
business's page ("Daftarkan sebagai pemberi kerja"), the business's data prefilled, one line
per worker with the same live NIK checks as a BPU enrollment, the programs (the size's minimum
locked), a live quote with the due date, the owner's consent; autosaved as the account's draft
(`employer:<business id>`), submitted through `services.employers.submit`, then its status
(submitted, needs correction, accepted with the NPP) and a printable summary.

See `form` for the layers and the keys."""

from agent_app.ui.pages.employers.form import EmployerForm

__all__ = ["EmployerForm"]
