"""The viewer's side of a hub: the same app, fed by the hub's WebSocket (``source``), acting through
its HTTP actions (``link``), texts handed to the hub's outbox (``outbox``), put together as a session
(``session``). No textual here."""
