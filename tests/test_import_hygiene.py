"""The layers below the UI never import textual, and the simulator never imports the client."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "tui"


def imported_modules(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts[: -node.level])
                    names.add(f"{base}.{node.module}" if node.module else base)
                elif node.module:
                    names.add(node.module)
        found[str(path.relative_to(ROOT.parent))] = names
    return found


@pytest.mark.parametrize("package", ["callrail", "live", "sim", "hub"])
def test_lower_layers_never_import_textual(package: str) -> None:
    offenders = {
        path: sorted(name for name in names if name.split(".")[0] in ("textual", "rich"))
        for path, names in imported_modules(package).items()
    }
    assert not {path: names for path, names in offenders.items() if names}


def test_simulator_is_independent_of_the_client_and_live_layer() -> None:
    offenders = {
        path: sorted(
            name for name in names if name.startswith(("tui.callrail", "tui.live", "tui.app", "redis"))
        )
        for path, names in imported_modules("sim").items()
    }
    assert not {path: names for path, names in offenders.items() if names}


def test_live_layer_does_not_reach_into_the_ui() -> None:
    offenders = {
        path: sorted(name for name in names if name.startswith(("tui.app", "tui.screens", "tui.widgets")))
        for path, names in imported_modules("live").items()
    }
    assert not {path: names for path, names in offenders.items() if names}


def test_live_layer_never_imports_the_simulator() -> None:
    offenders = {
        path: sorted(name for name in names if name.startswith("tui.sim"))
        for path, names in imported_modules("live").items()
    }
    assert not {path: names for path, names in offenders.items() if names}


@pytest.mark.parametrize("package", ["screens", "widgets"])
def test_screens_and_widgets_never_reach_past_the_session(package: str) -> None:
    """No client, no budget internals: screens talk to the session (``tui.context``)."""
    offenders = {
        path: sorted(name for name in names if name.startswith(("tui.callrail.client", "tui.wiring")))
        for path, names in imported_modules(package).items()
    }
    assert not {path: names for path, names in offenders.items() if names}


def test_the_app_builds_no_client() -> None:
    """Clients and sessions are built in ``tui/wiring.py`` (the CLI injects them)."""
    app = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    names = {node.module for node in ast.walk(app) if isinstance(node, ast.ImportFrom)}
    assert "tui.callrail.client" not in names
    called = {
        node.func.id
        for node in ast.walk(app)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert "CallRailClient" not in called


def test_a_viewer_imports_only_the_hub_protocol_not_the_hub_server() -> None:
    """A viewer's memory is the standalone app's: the hub's own machinery (fan-out, event log, replicas,
    the server) stays out of it, and so does the ``websockets`` library (the viewer has its own small
    client); what both sides share is ``tui.hub.wire``."""
    allowed = {"tui.hub", "tui.hub.wire"}
    offenders = {
        path: sorted(
            name
            for name in names
            if name.split(".")[0] == "websockets"
            or (name.startswith("tui.hub") and not name.startswith("tui.hub.viewer") and name not in allowed)
        )
        for path, names in imported_modules("hub/viewer").items()
    }
    assert not {path: names for path, names in offenders.items() if names}
