"""Parsing the pages' forms: what a browser sends, as strings, into the services' input types."""
