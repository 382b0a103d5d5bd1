"""The exceptions of symbio.

Every exception symbio raises for its own reasons is a :class:`SymbioError`.
Bad input is a :class:`ScenarioError` whose ``problems`` list every problem at
once, each with its file, field path and id, as the command line names them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class Problem:
    """One problem of a scenario.

    ``path`` is the field path (``sites[3].outputs[1].quantity``) or, for a
    scenario made of frames, the cell (``outputs!D2``); ``id`` the id of the item
    concerned, when it has one; ``line`` and ``column`` (1-based) are set for
    syntax errors.
    """

    file: str
    path: str
    id: Optional[str]
    message: str
    line: Optional[int] = None
    column: Optional[int] = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column}"
        if self.path:
            where += f": {self.path}"
        if self.id is not None:
            where += f' (id "{self.id}")'
        return f"{where}: {self.message}"


class SymbioError(Exception):
    """Base class of symbio's exceptions."""


class ScenarioError(SymbioError, ValueError):
    """The scenario is invalid; ``problems`` holds every problem found.

    >>> import symbio
    >>> try:
    ...     symbio.Scenario.from_dict({"sites": [{"id": "a", "x_km": "far"}]})
    ... except symbio.ScenarioError as e:
    ...     print(e.problems[0].path)
    sites[0].x_km
    """

    def __init__(self, message: str, problems: list[Problem]):
        super().__init__(message)
        self.problems = problems


class OptionError(SymbioError, ValueError):
    """An option of an analysis has a value it cannot use; ``option`` names it
    as the library does (``axis``, ``samples``, ``values``...)."""

    def __init__(self, message: str, option: Optional[str] = None):
        super().__init__(message)
        self.option = option


class ReadError(SymbioError, OSError):
    """A file could not be read, or is refused (not a regular file, too large)."""


class NoPlanError(SymbioError):
    """An analysis needs a plan where the scenario has none."""


class SolverError(SymbioError):
    """HiGHS failed in a way that is not a status."""


class Interrupted(KeyboardInterrupt):
    """A KeyboardInterrupt that stopped a solve or a sweep, with what was kept.

    After :meth:`Scenario.solve`, ``kept`` is the best plan found (status
    ``time_limit``, as ``symbio solve`` writes on Ctrl-C); after :func:`sweep`,
    it is the :class:`~symbio.Analysis` of the finished rows. ``except
    KeyboardInterrupt`` catches it too.
    """

    def __init__(self, message: str, kept: Any):
        super().__init__(message)
        self.kept = kept


def _make(kind: str, message: str, problems: list[Any], option: Optional[str]) -> Exception:
    """The exception of a library error (called by the native module)."""
    if kind == "ScenarioError":
        found = [
            Problem(
                file=f,
                path=p,
                id=i,
                message=m,
                line=lc[0] if lc else None,
                column=lc[1] if lc else None,
            )
            for (f, p, i, m, lc) in problems
        ]
        return ScenarioError(message.rstrip("\n"), found)
    if kind == "OptionError":
        return OptionError(message, option)
    classes = {
        "ReadError": ReadError,
        "NoPlanError": NoPlanError,
        "SolverError": SolverError,
    }
    return classes.get(kind, SymbioError)(message)
