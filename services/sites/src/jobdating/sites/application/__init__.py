"""sites service: application."""
