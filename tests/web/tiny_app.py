"""A small Textual app for the web server's tests that need a tab but not the whole callrail-tui; it
shows the size it was last given."""

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Static


class Tiny(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("tiny app ready")

    def on_resize(self, event: events.Resize) -> None:
        self.query_one(Static).update(f"tiny app ready {event.size.width}x{event.size.height}")


if __name__ == "__main__":
    Tiny().run()
