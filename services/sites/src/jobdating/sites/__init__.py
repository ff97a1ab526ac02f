"""sites service."""
