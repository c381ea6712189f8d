"""Mutual Action Plan service: the engine, the use cases, Google Sheets, the store, the HTTP
backend, the runtime that wires them, the command line and local mode."""

__version__ = "0.1.0"
