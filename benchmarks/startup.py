"""Startup: from process spawn to the first frame that shows the feed from a warm local store, and to the
frame that shows the whole stored day.

Each run spawns a fresh interpreter (``python -m benchmarks.startup first-frame DIR SPAWNED_AT OUT``) that
imports the app, builds the session on a store already holding today's calls, and runs the app headless. The
first frame painted while the feed table holds calls is the first frame; the first painted while it holds
every stored call is the full load (each frame is caught as it goes out, not asked for afterwards: a frame
asked for after the rows are seen would count one frame too many). The API is unreachable (a closed local
port), as a laptop offline would find it: neither may wait for the network. The baseline is a bare Textual
app with one ``Static``, started the same way; the first frame is also given as a ratio to it, which says
more than milliseconds on a machine shared with other work. Also the import time of ``tui.app`` in a fresh
interpreter. Each figure is the median of several runs.

This module imports only the standard library at the top, so the child's clock covers every import.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.figures import Figure

STORED_CALLS = 5_000
STORED_CONVERSATIONS = 700
SIZE = (120, 36)
UNREACHABLE_URL = "http://127.0.0.1:9/v3/"
ROOT = Path(__file__).resolve().parents[1]


def fill_store(data_dir: Path, calls: int, conversations: int) -> None:
    """A store as a day of use leaves it: today's calls and conversations, and the companies."""
    from benchmarks import synthetic
    from tui.callrail.models import Company
    from tui.live.account_companies import COMPANIES_META
    from tui.live.first_rows import store_path
    from tui.live.store import Store

    now = datetime.now(UTC)
    store = Store(store_path(data_dir), now=now)
    store.upsert_calls(synthetic.calls(calls, now, spacing=timedelta(seconds=8)), seen_at=now)
    store.upsert_conversations(
        synthetic.conversation(n, now - timedelta(minutes=n)) for n in range(conversations)
    )
    companies = [
        Company(id=company_id, name=name, time_zone=zone).model_dump(mode="json", exclude_unset=True)
        for company_id, name, zone in synthetic.COMPANIES
    ]
    store.set_meta(COMPANIES_META, json.dumps(companies))
    store.close()


# -- in the child process --------------------------------------------------------------------------------


def first_frame_of_app(data_dir: Path, calls: int) -> tuple[object, object, object]:
    from tui.app import make_app
    from tui.config import Settings
    from tui.widgets.call_table import CallTable

    settings = Settings(
        api_key="bench-key",
        account_id="ACCBENCH",
        base_url=UNREACHABLE_URL,
        config_path=data_dir / "config.toml",
        data_dir=data_dir,
        state_dir=data_dir / "state",
        notify_toast=False,
        notify_bell=False,
    )
    app = make_app(None, settings)  # as the command line makes it: the session comes after the first frame

    def holding(count: int) -> bool:
        return bool(app.screen.query(CallTable)) and app.screen.query_one(CallTable).call_count >= count

    return app, lambda: holding(1), lambda: holding(calls)


def first_frame_of_bare_app() -> tuple[object, object, object]:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("hello")

    return Bare(), lambda: True, lambda: True


async def until_offline(app, seconds: float = 30.0) -> None:
    """The app's first poll has failed (its server is unreachable here): its session is built, its client
    loaded and used (the bare app has none)."""
    from tui.live.events import PollState

    if not hasattr(app, "session"):
        return
    deadline = time.monotonic() + seconds
    while app.session is None or app.session.status.state is not PollState.OFFLINE:
        if time.monotonic() > deadline:
            raise TimeoutError("the app never said offline")
        await asyncio.sleep(0.01)


def note_painted_frames(app, spawned_at: float, conditions: dict[str, object]) -> dict[str, float]:
    """Milliseconds from spawn to the first frame painted while each condition held, filled in as the
    frames go out. Headless, Textual composes each frame but skips turning it into terminal output; that
    step is done here (and the output dropped), as a terminal would pay for it."""
    painted: dict[str, float] = {}
    display = app._display  # every frame of every screen goes out through it

    def display_and_note(screen, update) -> None:
        display(screen, update)
        if update is None:
            return
        if hasattr(update, "render_segments"):
            update.render_segments(app.console)
        for name, holds in conditions.items():
            if name not in painted and holds():
                painted[name] = (time.time() - spawned_at) * 1000

    app._display = display_and_note
    return painted


def child_first_frame(kind: str, data_dir: Path, calls: int, spawned_at: float, out: Path) -> None:
    app, ready, loaded = first_frame_of_app(data_dir, calls) if kind == "app" else first_frame_of_bare_app()
    painted = note_painted_frames(app, spawned_at, {"ms": ready, "full_ms": loaded})

    async def until_loaded(pilot) -> None:
        while len(painted) < 2:
            await asyncio.sleep(0.005)
        from benchmarks.memory import rss_mb

        await until_offline(app)  # memory as a browser tab's is read: its first poll has failed
        out.write_text(json.dumps({**painted, "rss_mb": rss_mb()}))
        pilot.app.exit()

    app.run(headless=True, size=SIZE, auto_pilot=until_loaded)


# -- in the benchmark process ----------------------------------------------------------------------------


def child_env(home: Path) -> dict[str, str]:
    """Bytecode cached (under ``home``, not in the tree) as an installed app has it after its first
    launch, even where the shell sets PYTHONDONTWRITEBYTECODE; HOME there so nothing touches the user's."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "HOME": str(home), "PYTHONPYCACHEPREFIX": str(home / "pycache")}


def spawn_first_frame(kind: str, data_dir: Path, calls: int) -> dict[str, float]:
    """Milliseconds from spawn to the first frame (``ms``) and to the whole store shown (``full_ms``)."""
    out = data_dir / f"first-frame-{kind}.json"
    out.unlink(missing_ok=True)
    spawned_at = time.time()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.startup",
            kind,
            str(data_dir),
            str(calls),
            repr(spawned_at),
            str(out),
        ],
        cwd=ROOT,
        check=True,
        env=child_env(data_dir),
        stdout=subprocess.DEVNULL,
    )
    return json.loads(out.read_text())


def import_ms(home: Path) -> float:
    code = "import time; t = time.perf_counter(); import tui.app; print((time.perf_counter() - t) * 1000)"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        env=child_env(home),
    )
    return float(done.stdout)


def measure(runs: int, calls: int = STORED_CALLS, conversations: int = STORED_CONVERSATIONS) -> list[Figure]:
    from benchmarks.scratch import scratch_dir

    with scratch_dir("bench-startup-") as home:
        data_dir = Path(home)
        fill_store(data_dir, calls, conversations)
        for kind in ("app", "bare"):  # a first launch writes the bytecode and warms the file cache
            spawn_first_frame(kind, data_dir, calls)
        apps, bares = [], []
        for _ in range(runs):  # interleaved, so a burst of load elsewhere hits both alike
            apps.append(spawn_first_frame("app", data_dir, calls))
            bares.append(spawn_first_frame("bare", data_dir, calls))
        imports = statistics.median(import_ms(data_dir) for _ in range(runs))
    app = statistics.median(run["ms"] for run in apps)
    full = statistics.median(run["full_ms"] for run in apps)
    bare = statistics.median(run["ms"] for run in bares)
    return [
        Figure("startup_ms", app, "ms", goal=500, baseline=bare),
        Figure("startup_ratio", app / bare, "x", goal=1.6),
        Figure("startup_full_load_ms", full, "ms", baseline=bare),
        Figure("import_ms", imports, "ms"),
    ]


def run(*, quick: bool = False) -> list[Figure]:
    return measure(3 if quick else 5)


if __name__ == "__main__":
    kind, data_dir, calls, spawned_at, out = sys.argv[1:]
    child_first_frame(kind, Path(data_dir), int(calls), float(spawned_at), Path(out))
