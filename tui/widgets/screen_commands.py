"""A command palette provider that offers the current screen's own key bindings as commands, so every
action of a screen is reachable from the palette as well as from its key."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider


class ScreenActions(Provider):
    """Each binding's description is the command's name (as in the footer); its tooltip is the help
    line, and a search matches either, so "Add tag" finds the footer's short "Tag"."""

    def _commands(self) -> Iterator[tuple[str, str, str]]:
        screen = self.screen
        for binding in screen.BINDINGS:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            action = binding.action
            if action.startswith("app."):  # the app's own actions are its commands (``get_system_commands``)
                continue
            if not screen.check_action(action.split("(")[0], ()):  # hidden or dimmed: not offered
                continue
            key = binding.key_display or binding.key.split(",")[0]
            yield binding.description, f"{binding.tooltip or binding.description} (key: {key})", action

    async def discover(self) -> Hits:
        for name, help_text, action in self._commands():
            yield DiscoveryHit(name, partial(self.screen.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action in self._commands():
            score = max(matcher.match(name), 0.9 * matcher.match(help_text))
            if score > 0:
                yield Hit(
                    score, matcher.highlight(name), partial(self.screen.run_action, action), help=help_text
                )
