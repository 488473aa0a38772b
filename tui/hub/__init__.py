"""The team hub: one process per account holds the key, runs the only poller, outbox and webhook
receiver, and serves every viewer over HTTP and a WebSocket (``server``); no textual here."""
