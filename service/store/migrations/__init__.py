"""Alembic migrations of the store (script location; see env.py)."""
