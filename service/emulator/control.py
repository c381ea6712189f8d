"""Placeholder: replaced by the full module."""

from __future__ import annotations

from flask import Flask

from service.emulator.state import EmulatorState


def register(app: Flask, state: EmulatorState) -> None:
    return None
