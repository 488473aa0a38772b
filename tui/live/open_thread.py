"""The conversation the user has open: read again at the pace of the calls list while it is open, so the
customer's reply shows within seconds instead of at the slower pace of the conversations list.

The thread screen opens and closes it through the session; screens can stack (a thread from call detail
over the texts list), so the newest one open is the one read. While push carries the data (the poller only
reconciles), replies come by delivery and the thread is not read on its own.

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
        return None if pushed else self.conversation_id
