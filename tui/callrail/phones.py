"""Phone numbers as CallRail writes them in different places (``+15125550164``, ``512-555-0164``)."""

from __future__ import annotations

import re


def digits(phone_number: str | None) -> str:
    """The last ten digits, so ``+1 512-555-0164`` and ``5125550164`` compare equal."""
    return re.sub(r"\D", "", phone_number or "")[-10:]
