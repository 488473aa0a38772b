"""The API layer stands alone: it imports neither the live layer, the simulator nor the UI."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "tui" / "callrail"
FORBIDDEN = ("tui.live", "tui.sim", "tui.app", "tui.screens", "tui.widgets", "textual", "rich")


def test_the_api_layer_imports_nothing_above_it() -> None:
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            bad = [name for name in names if name == "tui" or name.startswith(FORBIDDEN)]
            if bad:
                offenders[path.name] = bad
    assert offenders == {}
