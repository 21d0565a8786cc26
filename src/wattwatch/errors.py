"""Errors that reach the user: each names the file, line, column and what was expected."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """A file that cannot be ingested at all (wrong columns, wrong types throughout, bad encoding, ...).

    Raised before anything is written, so the database is left as it was.
    """

    def __init__(
        self,
        file: str | Path,
        message: str,
        *,
        line: int | None = None,
        column: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.file = str(file)
        self.line = line
        self.column = column
        self.expected = expected
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column '{self.column}'"
        text = f"{where}: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        return text
