"""registration service: domain."""
