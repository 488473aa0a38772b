"""A CallRail v3 API simulator: seeded scenario, rate limits and fault injection behind a Starlette app.

It imports neither the client (``tui.callrail``) nor the live layer, so it is an independent check on them.
"""

from tui.sim.config import SimConfig
from tui.sim.events import SimEvent
from tui.sim.requests import RequestRecord
from tui.sim.simulator import Simulator

__all__ = ["RequestRecord", "SimConfig", "SimEvent", "Simulator"]
