"""Outrigger: keeps small local language models from capsizing your code."""

__version__ = "0.1.0"
