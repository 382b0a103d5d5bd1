"""Types of the native module (python/src/lib.rs). Use the package's API
(`symbio.load`, `symbio.Scenario`, ...) rather than these."""

from os import PathLike
from typing import Any, Callable, Optional, Sequence

_Progress = Callable[[Optional[float], Optional[float], Optional[float]], Any]

class NativeScenario:
    @staticmethod
    def load(path: str | PathLike[str]) -> NativeScenario: ...
    @staticmethod
    def from_text(text: str, path: str | PathLike[str]) -> NativeScenario: ...
    @staticmethod
    def from_sheets(
        sheets: Sequence[tuple[str, Sequence[Sequence[Any]]]],
        book: str,
        written_as: str | PathLike[str],
        includes: Sequence[str],
    ) -> tuple[NativeScenario, str]: ...
    @property
    def path(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def currency(self) -> str: ...
    def sheets(self) -> list[tuple[str, list[list[Any]]]]: ...
    def get(self, path: str) -> Optional[float]: ...
    def with_values(self, values: Sequence[tuple[str, float]]) -> NativeScenario: ...
    def check(self) -> str: ...
    def solve(
        self,
        time_limit: Optional[float] = None,
        gap: float = 1e-2,
        threads: int = 1,
        decompose: bool = True,
        progress: Optional[_Progress] = None,
    ) -> tuple[NativePlan, Optional[BaseException]]: ...

class NativePlan:
    def to_json(self) -> str: ...
    def to_geojson(self) -> str: ...
    def to_csv(self, table: str) -> str: ...
    def report_html(self) -> str: ...

def sweep(
    scenario: NativeScenario,
    axes: Sequence[tuple[str, Sequence[float]]],
    time_limit: Optional[float] = None,
    gap: float = 1e-2,
    threads: int = 1,
    progress: Optional[Callable[[int, int], Any]] = None,
) -> tuple[list[str], bool, Optional[BaseException]]: ...
def compare_json(
    scenario: NativeScenario,
    variants: Sequence[str],
    supplier_share: float = 0.5,
    individually_rational: bool = False,
    shapley: Optional[tuple[int, int, int]] = None,
    time_limit: Optional[float] = None,
    gap: float = 1e-2,
    threads: int = 1,
) -> str: ...
def pareto_json(
    scenario: NativeScenario,
    points: int = 11,
    time_limit: Optional[float] = None,
    gap: float = 1e-6,
    threads: int = 1,
) -> str: ...
def breakeven_json(
    scenario: NativeScenario,
    param: str,
    start: float,
    end: float,
    steps: int = 20,
    tol: Optional[float] = None,
    time_limit: Optional[float] = None,
    gap: float = 1e-6,
    threads: int = 1,
) -> str: ...
def montecarlo_json(
    scenario: NativeScenario,
    samples: int = 100,
    seed: int = 0,
    time_limit: Optional[float] = None,
    gap: float = 1e-2,
    threads: int = 1,
) -> str: ...
def version() -> str: ...
