"""Errors the engine raises for input a person can fix."""

from __future__ import annotations


class PlanInputError(ValueError):
    """A plan document or plan that breaks the contract.

    ``path`` names the field as a JSON path (``milestones[3].depends_on``), or is empty
    when the problem is the document as a whole.
    """

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message
