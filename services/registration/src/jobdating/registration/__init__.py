"""registration service."""
