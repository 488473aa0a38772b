"""What can go wrong between CallRail and a webhook receiver, seeded so a run fails the same way twice."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass
class WebhookFaults:
    drop_rate: float = 0.0  # never sent
    duplicate_rate: float = 0.0  # sent twice in a row
    reorder_rate: float = 0.0  # held back until the next delivery to the same URL has gone
    bad_signature_rate: float = 0.0  # signed with the wrong key
    delay_rate: float = 0.0  # sent up to ``max_delay`` sim seconds late
    max_delay: float = 120.0


@dataclass(frozen=True)
class FaultPlan:
    drop: bool = False
    duplicate: bool = False
    reorder: bool = False
    bad_signature: bool = False
    delay: float = 0.0  # sim seconds


class FaultDice:
    """One roll per delivery, from its own generator (the scenario's draws are untouched)."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"{seed}:webhook-faults")

    def roll(self, faults: WebhookFaults) -> FaultPlan:
        # Always six draws, so turning one knob does not change what the others decide.
        drop, duplicate, reorder, bad, late, amount = (self._rng.random() for _ in range(6))
        return FaultPlan(
            drop=drop < faults.drop_rate,
            duplicate=duplicate < faults.duplicate_rate,
            reorder=reorder < faults.reorder_rate,
            bad_signature=bad < faults.bad_signature_rate,
            delay=amount * faults.max_delay if late < faults.delay_rate else 0.0,
        )
