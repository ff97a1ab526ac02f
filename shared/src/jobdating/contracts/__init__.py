"""Contracts shared by every service: the event envelope, event types, their registry and subjects."""
