"""The outcome of one input and of a whole batch."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

CONVERTED, UNCHANGED, FAILED, SKIPPED = "converted", "unchanged", "failed", "skipped"
EXIT_OK, EXIT_SOME_FAILED, EXIT_NOTHING_CONVERTED = 0, 1, 2


@dataclass
class FileResult:
    """One input's outcome: a package (converted now or unchanged since an earlier run) or a one-line reason."""

    input: str
    status: str
    reason: str | None = None
    seconds: float = 0.0
    report_id: str | None = None
    package: str | None = None
    sha256: str | None = None
    rows: int | None = None
    mismatches: int | None = None
    duplicate_of: str | None = None
    traceback: str | None = None

    def as_dict(self) -> dict[str, Any]:
        record = asdict(self)
        record["seconds"] = round(self.seconds, 4)
        return {key: value for key, value in record.items() if value is not None}

    @property
    def ok(self) -> bool:
        return self.status in (CONVERTED, UNCHANGED)


@dataclass
class Summary:
    """Counts of a batch and its exit code: 0 all converted or unchanged, 1 some failed, 2 nothing converted."""

    counts: dict[str, int] = field(default_factory=lambda: {CONVERTED: 0, UNCHANGED: 0, FAILED: 0, SKIPPED: 0})
    seconds: float = 0.0

    def add(self, result: FileResult) -> None:
        self.counts[result.status] += 1

    @property
    def exit_code(self) -> int:
        if not (self.counts[CONVERTED] + self.counts[UNCHANGED]):
            return EXIT_NOTHING_CONVERTED
        return EXIT_SOME_FAILED if self.counts[FAILED] else EXIT_OK

    def as_dict(self) -> dict[str, Any]:
        return {**self.counts, "seconds": round(self.seconds, 3), "exit_code": self.exit_code}
