"""registration service: adapters."""
