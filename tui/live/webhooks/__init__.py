"""CallRail webhooks into the live session: a receiver that verifies and keeps each delivery before it
answers, the signing keys it checks them with, and a source that turns deliveries into batches."""
