"""JetStream transport: provisioning, the outbox relay and the durable consumer runner."""
