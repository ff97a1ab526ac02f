"""The sites service's use cases: commands through the one write path, and the read-model queries."""
