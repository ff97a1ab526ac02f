"""sites service: adapters."""
