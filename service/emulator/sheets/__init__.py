"""Sheets v4 in the emulator: the spreadsheet model and the API routes."""
