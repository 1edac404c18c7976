"""One exception class per kind of failure; messages name the object and what is allowed."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "LISTED_PROBLEMS",
    "BundleError",
    "DatabaseUnavailable",
    "IncompleteLoad",
    "LocalServerError",
    "NoEcosystem",
    "Problem",
    "TierscopeError",
]


class TierscopeError(Exception):
    """Base class: every error a user can cause or fix. The CLI prints its message."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bundle: where it is, the bad value, what is allowed.

    ``row`` is the spreadsheet row (the header is row 1, the first record row 2);
    ``None`` when the problem concerns a whole file or column.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


#: Where problems are listed (CLI, API), the first this many are, then "and N more".
LISTED_PROBLEMS = 50


class BundleError(TierscopeError):
    """A bundle has problems; ``problems`` lists every one. Nothing was written."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        n = len(problems)
        first = str(problems[0]) if problems else ""
        more = f" (and {n - 1} more)" if n > 1 else ""
        super().__init__(f"{source}: {n} problem{'s' if n != 1 else ''}: {first}{more}")

    @property
    def listed(self) -> list[Problem]:
        """The problems to show: the first :data:`LISTED_PROBLEMS`."""
        return self.problems[:LISTED_PROBLEMS]

    @property
    def unlisted(self) -> int:
        """How many problems :attr:`listed` leaves out."""
        return max(0, len(self.problems) - LISTED_PROBLEMS)


class DatabaseUnavailable(TierscopeError):
    """Neo4j cannot be reached or refused the credentials."""


class LocalServerError(TierscopeError):
    """The local Neo4j server could not be provisioned, started or stopped."""


class NoEcosystem(TierscopeError):
    """The database holds no loaded ecosystem yet."""


class IncompleteLoad(TierscopeError):
    """The last load did not finish (it was interrupted); re-running it repairs the database."""
