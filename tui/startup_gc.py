"""No full garbage collection while the app starts.

Importing Textual, pydantic and the app creates some 90,000 objects that live as long as the process;
on the way CPython runs a full (generation 2) collection that walks them all, ~35 ms of CPU before the
first frame, and finds next to nothing to free. ``hold`` (at the top of ``tui.cli`` and ``tui.app``,
before those imports) puts the full collections off; the app calls ``release`` once its first frame is
drawn, the command line at once for a command that runs no app (the simulator, the hub...). The younger
generations are still collected meanwhile.
"""

from __future__ import annotations

import gc

_held: tuple[int, int, int] | None = None


def hold() -> None:
    global _held
    if _held is None:
        _held = gc.get_threshold()
        gc.set_threshold(_held[0], _held[1], 1_000_000)


def release() -> None:
    global _held
    if _held is not None:
        gc.set_threshold(*_held)
        _held = None
