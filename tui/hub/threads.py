"""The threads viewers have open, read at the hub at the calls' pace: a viewer's presence says which
conversation its thread screen shows (``reading``); while at least one viewer has it open, the hub's poller
reads it every cycle as it does for the user of a standalone app (``tui.live.open_thread``), the threads of
several viewers in turn (on every replica); when the last viewer leaves it (or disconnects), the reads
stop."""

from __future__ import annotations

from tui.hub.fanout import Fanout


class TeamThreads:
    def __init__(self, fanout: Fanout) -> None:
        self._fanout = fanout
        self._session = fanout.session
        self._session.open_thread.in_turn = True
        self._watched: set[str] = set()
        fanout.presence_listeners.append(self.presence_changed)

    @property
    def watched(self) -> frozenset[str]:
        return frozenset(self._watched)

    def presence_changed(self) -> None:
        wanted = self._fanout.reading()
        for conversation_id in sorted(wanted - self._watched):
            self._session.watch_thread(conversation_id)
        for conversation_id in sorted(self._watched - wanted):
            self._session.unwatch_thread(conversation_id)
        self._watched = wanted
