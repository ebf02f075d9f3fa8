"""CLI commands, one module each exposing ``command`` (a click command)."""
