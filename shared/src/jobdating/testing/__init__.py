"""Pytest fixtures with real components: nats-server from the package, SQLite files, PostgreSQL."""
