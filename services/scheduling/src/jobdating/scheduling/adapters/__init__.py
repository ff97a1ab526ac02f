"""Scheduling's edges: tables, HTTP, exports, NATS consumers."""
