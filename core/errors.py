"""Business-rule violations: a stable code, a Chinese message, and the input field at fault."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class UserError(Exception):
    code: str
    message: str
    field: str | None = None

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class UserErrors(Exception):
    """Several violations found at once, reported together so the user fixes them in one go."""

    def __init__(self, errors: list[UserError]):
        super().__init__("; ".join(map(str, errors)))
        self.errors = errors


def raise_if_any(errors: list[UserError]) -> None:
    if errors:
        raise UserErrors(errors)
