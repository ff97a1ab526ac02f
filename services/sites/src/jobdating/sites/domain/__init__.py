"""sites service: domain."""
