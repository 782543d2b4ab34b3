"""Cordon: outbreak response for city health authorities."""

__version__ = "0.1.0"
