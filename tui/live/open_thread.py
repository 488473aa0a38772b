"""The conversation the user has open: read again at the pace of the calls list while it is open, so the
customer's reply shows within seconds instead of at the slower pace of the conversations list.

The thread screen opens and closes it through the session; screens can stack (a thread from call detail
over the texts list), so the newest one open is the one read. At a team hub the threads are several
viewers' (``tui.hub.threads``), each on someone's screen: with ``in_turn`` they are read one a cycle in
turn, so the cost of a cycle stays that of one read however many are open. While push carries the data
(the poller only reconciles), replies come by delivery and the thread is not read on its own.

```python
thread = OpenThread()
thread.open("KZaGR")
thread.due(pushed=False)   # "KZaGR": read it in this cycle
thread.due(pushed=True)    # None: a webhook brings the reply
thread.close("KZaGR")
```
"""

from __future__ import annotations


class OpenThread:
    def __init__(self) -> None:
        self._open: list[str] = []  # conversation ids, the newest opened last
        self.in_turn = False  # every open thread in turn, not the newest only
        self._last: str | None = None  # the one read last, in turn

    @property
    def conversation_id(self) -> str | None:
        return self._open[-1] if self._open else None

    def open(self, conversation_id: str) -> None:
        self._open.append(conversation_id)

    def close(self, conversation_id: str) -> None:
        """Closed (one opening of it: the same thread may be open twice in the stack)."""
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index] == conversation_id:
                del self._open[index]
                return

    def due(self, *, pushed: bool) -> str | None:
        """The conversation to read in this cycle: the open one, unless webhooks carry the data."""
        if pushed:
            return None
        if not self.in_turn:
            return self.conversation_id
        distinct = list(dict.fromkeys(self._open))
        if not distinct:
            return None
        after = distinct.index(self._last) + 1 if self._last in distinct else 0
        self._last = distinct[after % len(distinct)]
        return self._last
