"""What the app imports before its first frame: nothing it does not need."""

import subprocess
import sys

CHECK = """
import sys
import tui.app, httpx
assert callable(httpx.main)
print(sorted(name for name in ("click", "click.core") if name in sys.modules))
"""


def test_httpx_does_not_bring_its_command_line_tool():
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_stand_in_still_runs_the_real_tool():
    code = "import tui, httpx, sys; sys.argv = ['httpx', '--help']; httpx.main()"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "Usage: httpx" in done.stdout
