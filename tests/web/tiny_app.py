"""A small Textual app for the web server's tests that need a tab but not the whole callrail-tui."""

from textual.app import App, ComposeResult
from textual.widgets import Static


class Tiny(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("tiny app ready")


if __name__ == "__main__":
    Tiny().run()
