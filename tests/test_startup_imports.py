"""What the app imports before its first frame: nothing it does not need."""

import json
import subprocess
import sys

CHECK = """
import sys
import tui.app, httpx
assert callable(httpx.main)
print(sorted(name for name in ("click", "click.core") if name in sys.modules))
"""

# What the first frame imports (benchmarks/startup.py): the app, its settings and the stored calls'
# reader; the session and the models come after it (``tests/ui/test_first_frame.py`` runs the app).
BEFORE_FIRST_FRAME = """
import json, sys
import tui.app, tui.config, tui.widgets.call_table, tui.live.first_rows
print(json.dumps(sorted(sys.modules)))
"""


def modules_before_first_frame() -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", BEFORE_FIRST_FRAME], capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout))


def test_httpx_does_not_bring_its_command_line_tool():
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_stand_in_still_runs_the_real_tool():
    code = "import tui, httpx, sys; sys.argv = ['httpx', '--help']; httpx.main()"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "Usage: httpx" in done.stdout


def test_the_network_comes_after_the_first_frame():
    """httpx (its client, anyio, the certificates) is loaded by the first request, not by the app."""
    loaded = modules_before_first_frame()
    assert {"httpx", "httpcore", "anyio", "h11"}.isdisjoint(loaded)


def test_the_models_and_the_live_layer_come_after_the_first_frame():
    """pydantic (~100 ms with the models) and the session are loaded once the feed shows stored calls."""
    loaded = modules_before_first_frame()
    assert {
        "pydantic",
        "tui.callrail.models",
        "tui.live.session",
        "tui.wiring",
        "tui.live.events",
    }.isdisjoint(loaded)


GC_HELD = """
import gc
import tui.app
print(gc.get_threshold()[2])
"""

GC_RELEASED_FOR_A_SERVER = """
import gc
import tui.cli
tui.cli.run_sim = lambda args: 0  # the simulator would serve until stopped
tui.cli.main(["sim"])
print(gc.get_threshold()[2])
"""


def run_python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def test_no_full_garbage_collection_before_the_first_frame():
    """The app's imports run with the full collections put off (``tui.startup_gc``)."""
    assert int(run_python(GC_HELD)) > 1000


def test_a_command_that_runs_no_app_collects_as_usual():
    usual = run_python("import gc; print(gc.get_threshold()[2])")
    assert run_python(GC_RELEASED_FOR_A_SERVER) == usual
