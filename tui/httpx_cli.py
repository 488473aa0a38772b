"""Keep httpx's command line tool out of the app's start-up.

``import httpx`` also imports its command line tool (``httpx._main``), and with click and pygments
installed (uvicorn, which serves the simulator, brings click) that costs about as much as httpx itself
(encode/httpx#3547), before the app's first frame. ``defer()`` puts a stand-in for that module in place
before httpx is imported; the stand-in loads the real one only if its ``main`` is ever called.
"""

from __future__ import annotations

import importlib
import sys
import types

NAME = "httpx._main"


def _main(*args: object, **kwargs: object) -> object:
    sys.modules.pop(NAME, None)
    return importlib.import_module(NAME).main(*args, **kwargs)


def defer() -> None:
    """Install the stand-in, unless httpx (or its tool) is already imported."""
    if "httpx" in sys.modules or NAME in sys.modules:
        return
    stand_in = types.ModuleType(NAME, "A stand-in for httpx's command line tool (see tui.httpx_cli).")
    stand_in.main = _main  # type: ignore[attr-defined]
    sys.modules[NAME] = stand_in
