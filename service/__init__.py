"""Mutual Action Plan service: engine, Google Sheets gateway, store, HTTP backend and emulator."""

__version__ = "0.1.0"
