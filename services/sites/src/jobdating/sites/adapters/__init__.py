"""The sites service's edges: the read model in its store, the HTTP API."""
