"""Interfaces: the CLI, the JSON API and the web dashboard."""
