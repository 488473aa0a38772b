"""Closing the terminal (SIGHUP) or ``kill`` (SIGTERM) quits the app as ``q`` does: the session stops, the
store closes, and ``--demo`` removes its temporary folder."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tui.app import make_app
from tui.cli import DEMO_PREFIX, EXIT_SIGNALS, remove_demo_home, signals_raise_exit
from tui.screenshots import SIZE, wait_for, wait_until_polled

ROOT = Path(__file__).resolve().parents[2]


def test_remove_demo_home_deletes_the_folder_and_tolerates_a_second_call(tmp_path: Path) -> None:
    home = tmp_path / f"{DEMO_PREFIX}x"
    (home / "data").mkdir(parents=True)
    (home / "data" / "callrail.sqlite3").write_bytes(b"data")
    (home / "state").mkdir()
    remove_demo_home(home)
    assert not home.exists()
    remove_demo_home(home)  # already gone: nothing to do, no error


def test_outside_the_app_the_signals_raise_system_exit() -> None:
    before = {signum: signal.getsignal(signum) for signum in EXIT_SIGNALS}
    with pytest.raises(SystemExit) as stopped, signals_raise_exit():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)  # the handler runs at the next bytecode; this is not reached
    assert stopped.value.code == 128 + signal.SIGTERM
    assert {signum: signal.getsignal(signum) for signum in EXIT_SIGNALS} == before


async def test_sigterm_quits_the_app_and_stops_the_session(demo) -> None:
    app = make_app(demo.session, demo.settings, exit_signals=EXIT_SIGNALS)
    stops: list[int] = []
    stop = demo.session.stop

    async def counted_stop() -> None:
        stops.append(1)
        await stop()

    demo.session.stop = counted_stop
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        os.kill(os.getpid(), signal.SIGTERM)
        await wait_for(pilot, lambda: not app.is_running, timeout=5)
    assert stops and app.return_code == 0


def test_apps_without_exit_signals_leave_them_alone(app) -> None:
    assert app.exit_signals == ()


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_the_demo_removes_its_folder_when_the_terminal_closes_or_it_is_killed(tmp_path: Path, signum) -> None:
    """``callrail-tui --demo`` in a pseudo-terminal, as a user runs it; then the signal."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {
        **os.environ,
        "TMPDIR": str(temp),
        "TERM": "xterm-256color",
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path / "home"),
        "XDG_STATE_HOME": str(tmp_path / "home" / "state"),
    }
    main, child = pty.openpty()
    os.set_inheritable(child, True)
    shown = bytearray()

    def drain() -> None:  # a terminal reads what the app writes, or the app blocks
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:
                return
            if not chunk:
                return
            shown.extend(chunk)

    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "--demo"],
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        cwd=tmp_path,
        start_new_session=True,
    )
    os.close(child)
    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60  # a guard against a hang, generous for a loaded machine
        while b"Live feed" not in shown or not list(temp.glob(f"{DEMO_PREFIX}*/data/*.sqlite3")):
            assert process.poll() is None, f"the demo stopped early: {bytes(shown[-2000:])!r}"
            assert time.monotonic() < deadline, "the demo did not start within 60 s"
            time.sleep(0.1)
        process.send_signal(signum)
        assert process.wait(timeout=30) == 0
        assert not list(temp.glob(f"{DEMO_PREFIX}*")), "the demo left its folder behind"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(main)
        reader.join(timeout=2)


@pytest.mark.parametrize("how", ["q", "SIGHUP"])
async def test_quitting_works_even_when_the_session_fails_to_stop(demo, how) -> None:
    """A session that fails while stopping (a bug, a broken store) must not keep the app open."""
    app = make_app(demo.session, demo.settings, exit_signals=EXIT_SIGNALS)
    stop = demo.session.stop

    async def failing_stop() -> None:
        await stop()
        raise RuntimeError("the store could not be closed")

    demo.session.stop = failing_stop
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        if how == "q":
            await pilot.press("q")
        else:
            os.kill(os.getpid(), signal.SIGHUP)
        await wait_for(pilot, lambda: not app.is_running, timeout=5)
    assert app.return_code == 0
