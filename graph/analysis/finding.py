"""A finding of the risk register, and how findings are ranked.

Ranking: severity first, then revenue at stake, then kind and subject id (so
the order is reproducible). Each finding tells its sentence and evidence
through a :class:`Telling`: written when found (:class:`Told`), or derived when
read (a million-company register has hundreds of thousands of findings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["KIND_ORDER", "SEVERITIES", "Finding", "Telling", "Told", "found", "rank"]

SEVERITIES = ("critical", "high", "medium", "low")
#: the order of kinds among findings of equal severity and revenue
KIND_ORDER = (
    "single_point_of_failure",
    "country_outage",
    "hidden_concentration",
    "convergence",
    "coverage_no_sponsor",
    "coverage_few_contacts",
    "segment_mismatch",
    "kpi_declining",
    "kpi_below_target",
    "overloaded_owner",
    "declared_tier_mismatch",
)


class Telling(Protocol):
    """What a finding says: its sentence and its evidence."""

    @property
    def sentence(self) -> str: ...

    @property
    def evidence(self) -> dict[str, Any]: ...


class Told:
    """A finding's sentence and evidence, written when it was found."""

    __slots__ = ("evidence", "sentence")

    def __init__(self, sentence: str, evidence: dict[str, Any]) -> None:
        self.sentence, self.evidence = sentence, evidence


@dataclass(frozen=True, slots=True)
class Finding:
    """One entry of the register; ``sentence`` and ``evidence`` come from ``told``."""

    kind: str
    severity: str
    subject_id: str
    subject_type: str  # "company", "site", "country", "person"
    told: Telling = field(repr=False, compare=False)
    revenue_at_stake: float | None = None
    products: tuple[str, ...] = ()
    rank: int = 0

    @property
    def sentence(self) -> str:
        return self.told.sentence

    @property
    def evidence(self) -> dict[str, Any]:
        return self.told.evidence

    def __json__(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "subject_id": self.subject_id,
            "subject_type": self.subject_type,
            "sentence": self.sentence,
            "revenue_at_stake": self.revenue_at_stake,
            "products": self.products,
            "evidence": self.evidence,
            "rank": self.rank,
        }


def rank(findings: list[Finding]) -> list[Finding]:
    """Order findings and number them 1..n."""
    order = sorted(
        findings,
        key=lambda f: (
            SEVERITIES.index(f.severity),
            -(f.revenue_at_stake or 0.0),
            KIND_ORDER.index(f.kind) if f.kind in KIND_ORDER else len(KIND_ORDER),
            f.subject_id,
        ),
    )
    return [
        Finding(
            f.kind,
            f.severity,
            f.subject_id,
            f.subject_type,
            f.told,
            f.revenue_at_stake,
            f.products,
            k,
        )
        for k, f in enumerate(order, 1)
    ]


def found(
    kind: str,
    severity: str,
    subject_id: str,
    subject_type: str,
    sentence: str,
    revenue_at_stake: float | None = None,
    products: tuple[str, ...] = (),
    evidence: dict[str, Any] | None = None,
) -> Finding:
    return Finding(
        kind,
        severity,
        subject_id,
        subject_type,
        Told(sentence, evidence or {}),
        revenue_at_stake,
        products,
    )
