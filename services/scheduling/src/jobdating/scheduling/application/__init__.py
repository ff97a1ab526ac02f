"""Scheduling's use cases: one transaction per command or reaction, queries over its own tables."""
