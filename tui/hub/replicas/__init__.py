"""Hubs as replicas of one another over Redis (``callrail-tui hub --redis URL``): the event log, the
viewers' tokens, the budget ledger, the outbox, the webhook deliveries and the lease that lets exactly one
replica poll and send texts, each behind the same small interface as its one-machine counterpart.
"""
