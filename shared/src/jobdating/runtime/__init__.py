"""Adapters every service shares at its edges: ids, clock, logging."""
