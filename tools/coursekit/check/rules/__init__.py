"""Lint rules, one module each. See coursekit.check for the module contract."""
