"""CallRail webhooks from the simulator: integrations, payloads, signatures and delivery over HTTP."""
