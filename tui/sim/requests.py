"""What the simulator records about each request it received."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RequestRecord:
    at: datetime
    method: str
    path: str
    status: int  # 0 when the connection was dropped without a response
    bucket: str
    external: bool = False  # made by the account's other integration, not by a client of the simulator
