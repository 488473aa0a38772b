"""The footer: rebuilt when the keys it shows change, not at every announcement of the bindings."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from tui.widgets.footer import Footer


class KeysApp(App[None]):
    BINDINGS = [Binding("f2", "extra", "Extra"), Binding("f3", "other", "Other")]

    def __init__(self) -> None:
        super().__init__()
        self.extra_enabled = True

    def compose(self) -> ComposeResult:
        yield Input(id="one")
        yield Input(id="two")
        yield Footer()

    def action_extra(self) -> None: ...

    def action_other(self) -> None: ...

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "extra" and not self.extra_enabled else True  # None: shown, greyed out


def keys(app: App) -> dict[str, bool]:
    """The keys shown, each with whether it is greyed out."""
    return {key.key: key.has_class("-disabled") for key in app.query(FooterKey) if key.key in ("f2", "f3")}


async def test_the_footer_follows_the_bindings_and_rebuilds_only_on_a_change(monkeypatch) -> None:
    app = KeysApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert keys(app) == {"f2": False, "f3": False}
        rebuilt = []
        footer = app.query_one(Footer)
        original = footer.recompose

        async def counted() -> None:
            rebuilt.append(1)
            await original()

        monkeypatch.setattr(footer, "recompose", counted)
        await pilot.press("tab")  # focus moves, the keys stay: announced, not rebuilt
        await pilot.pause()
        assert rebuilt == [] and keys(app) == {"f2": False, "f3": False}
        app.extra_enabled = False
        app.refresh_bindings()
        await pilot.pause()
        assert rebuilt == [1] and keys(app) == {"f2": True, "f3": False}


async def test_the_footer_has_its_keys_from_the_start_without_a_rebuild(monkeypatch) -> None:
    rebuilt = []
    original = Footer.recompose

    async def counted(self: Footer) -> None:
        rebuilt.append(1)
        await original(self)

    monkeypatch.setattr(Footer, "recompose", counted)
    app = KeysApp()
    async with app.run_test() as pilot:
        assert keys(app) == {"f2": False, "f3": False}  # composed with them
        await pilot.pause()  # the focus arrives and the bindings are announced: the keys stay
        assert rebuilt == [] and keys(app) == {"f2": False, "f3": False}
