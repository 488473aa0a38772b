"""The one failure a replica's shared state has (kept apart from the client, which a hub on SQLite alone
never loads)."""


class SharedStateDown(ConnectionError):
    """Redis cannot be reached (or refused a step); the message says which one, without a password."""
