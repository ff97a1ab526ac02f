"""registration service: application."""
