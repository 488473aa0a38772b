"""Fixtures for the app's pilot and snapshot tests.

Every test runs with its own config, data and state dirs (the developer's own config is never read) and,
where it needs one, a session on the in-process simulator with a clock that stands still until the test
moves it (``tui.screenshots.scene``: the same scene the README screenshots come from).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tui.app import CallRailApp, make_app
from tui.callrail.models import Call
from tui.screenshots import SCENE_START, Scene, scene


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """platformdirs resolves under tmp_path, and no CALLRAIL_* variable leaks in from the shell."""
    home = tmp_path / "home"
    for variable, sub in (
        ("HOME", ""),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_CACHE_HOME", ".cache"),
    ):
        monkeypatch.setenv(variable, str(home / sub))
    for variable in ("CALLRAIL_API_KEY", "CALLRAIL_BASE_URL", "CALLRAIL_ACCOUNT_ID"):
        monkeypatch.delenv(variable, raising=False)
    return home


@pytest.fixture
async def make_scene(tmp_path: Path) -> AsyncIterator[Callable[..., Scene]]:
    """Builds scenes (``scene(**settings)``); their sessions are stopped after the test."""
    built: list[Scene] = []

    def make(**options: Any) -> Scene:
        made = scene(tmp_path / f"scene{len(built)}", **options)
        built.append(made)
        return made

    yield make
    for made in built:
        with contextlib.suppress(Exception):
            await made.session.stop()


@pytest.fixture
def demo(make_scene) -> Scene:
    return make_scene()


@pytest.fixture
def app(demo: Scene) -> CallRailApp:
    return make_app(demo.session, demo.settings)


def call_from(call_id: str, minutes_ago: float = 0, **fields: Any) -> Call:
    """A call as the API would send it, ``minutes_ago`` before the scene's start."""
    data: dict[str, Any] = {
        "id": call_id,
        "start_time": (SCENE_START - timedelta(minutes=minutes_ago)).isoformat(),
        "customer_name": "Maria Delgado",
        "customer_phone_number": "+15125550198",
        "customer_city": "Austin",
        "customer_state": "TX",
        "company_id": "COM1",
        "company_name": "Bay State Dental",
        "company_time_zone": "America/New_York",
        "tracking_phone_number": "+16175550100",
        "source": "Google Ads",
        "call_type": "answered",
        "answered": True,
        "duration": 125,
        "first_call": True,
        "tags": [],
    }
    data.update(fields)
    return Call.model_validate(data)


@pytest.fixture
def make_call() -> Callable[..., Call]:
    return call_from


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put the root logger back as it was after a test that set up the app's logging."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    for handler in root.handlers[:]:
        root.removeHandler(handler)
        handler.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
