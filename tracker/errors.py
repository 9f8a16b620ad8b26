"""Exceptions a user may see.

Every error the command line reports is one of these; anything else is a bug.
Each carries a one-line message that says what is wrong and what to do.
The module imports nothing of ours, so every other module may import it.
"""

from __future__ import annotations


class TrackerError(Exception):
    """Base class: a problem the user can act on. ``exit_code`` is the CLI's."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # one line, always
        return " ".join(self.message.split("\n"))


class UsageError(TrackerError):
    """Bad arguments: unknown benchmark, impossible target, bad option value."""

    exit_code = 2


class DataError(TrackerError):
    """A data file breaks the rules of datasets/ (see ``tracker validate``).

    ``problems`` holds every problem found, each already formatted as
    ``file:line: column: what is wrong, what to do``.
    """

    exit_code = 2

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [message])


class FitError(TrackerError):
    """The data cannot support the fit (too few points, no variation, ...)."""

    exit_code = 2


class ConflictError(TrackerError):
    """An add or import would overwrite or duplicate existing data."""

    exit_code = 1


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 model``, ``2 models`` (``many`` for an irregular plural): messages never say "1 models"."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def exact(x: float) -> str:
    """The shortest text that reads back as ``x``: a target 0.2500001 stays 0.2500001 (``:g`` printed 0.25,
    itself a target that is refused), 0.9 stays 0.9."""
    v = float(x)
    return f"{v:g}" if float(f"{v:g}") == v else repr(v)
