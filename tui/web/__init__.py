"""``callrail-tui web``: the app served to browser tabs by textual-serve, behind a sign-in (no textual)."""
