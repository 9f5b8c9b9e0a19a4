"""What a change touched: the window passes it to every view, and each view reloads only
when it shows that kind of data (the case list only the rows of the cases named)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class DataKind(Enum):
    CASES = "cases"  # a case and what is recorded in it: people, handling events, status
    ACCOUNTS = "accounts"
    OFFICE = "office"  # office details and the thresholds of the warnings
    VOCABULARY = "vocabulary"
    LEGAL_BASIS = "legal_basis"


@dataclass(frozen=True)
class DataChange:
    kinds: frozenset[DataKind]
    case_ids: frozenset[int] | None = None  # the cases changed; None when not known

    @classmethod
    def cases(cls, ids: Iterable[int] | None = None) -> DataChange:
        """Cases changed: those of `ids`, or any (an import, a purge)."""
        return cls(frozenset({DataKind.CASES}), None if ids is None else frozenset(ids))

    @classmethod
    def of(cls, kind: DataKind) -> DataChange:
        return cls(frozenset({kind}))

    @classmethod
    def everything(cls) -> DataChange:
        """«Làm mới»: every view reloads all it shows."""
        return cls(frozenset(DataKind))

    def concerns(self, *kinds: DataKind) -> bool:
        return not self.kinds.isdisjoint(kinds)

    def only_cases(self) -> frozenset[int] | None:
        """The ids of the changed cases when nothing else changed, so that a list of cases
        fetches only their rows again; None when every row must be fetched again."""
        return self.case_ids if self.kinds == {DataKind.CASES} else None
