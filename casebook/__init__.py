"""Casebook: case documentation for people targeted for their advocacy."""
