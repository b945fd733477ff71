"""Rupiah arithmetic shared by the contribution quotes."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_rupiah(amount: Decimal) -> int:
    """Half up to the whole rupiah (DOMAIN.md)."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
