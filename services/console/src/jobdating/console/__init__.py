"""The web console: server-rendered pages that act through the other services on behalf of the signed-in
person."""
