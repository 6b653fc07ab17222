"""Failure categories: the one vocabulary every run, step and alert uses.

Only ``error``, ``timeout`` and ``validation_failed`` need a person; ``no_data_available`` (an off
day, an empty answer) and ``dependency_missing`` (an upstream step failed) are expected states.
"""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    SUCCESS = "success"
    NO_DATA = "no_data_available"
    DEPENDENCY_MISSING = "dependency_missing"
    VALIDATION_FAILED = "validation_failed"
    TIMEOUT = "timeout"
    ERROR = "error"

    @property
    def pages_a_human(self) -> bool:
        return self in {Category.VALIDATION_FAILED, Category.TIMEOUT, Category.ERROR}

    @property
    def satisfied(self) -> bool:
        """Downstream steps may run after this outcome."""
        return self in {Category.SUCCESS, Category.NO_DATA}


class StepFailure(Exception):
    """Raised by a step to end itself with a specific category and a clear message."""

    def __init__(self, category: Category, message: str) -> None:
        super().__init__(message)
        self.category = category
        self.message = message


class NoDataAvailable(StepFailure):
    def __init__(self, message: str) -> None:
        super().__init__(Category.NO_DATA, message)


class ValidationFailed(StepFailure):
    def __init__(self, message: str) -> None:
        super().__init__(Category.VALIDATION_FAILED, message)
