"""Results as plain-text blocks, for a stdout that is not a terminal (a pipe or a file).

A table squeezed into the 80 columns a pipe is given wraps its long text one word
per line. Here each row is a block: a heading line with the short values, then
the long text whole on its own line, however long, so that ``grep``, ``less -S``
and a diff each see one sentence as one line. No markup, no colour: control
characters from the data are shown escaped, never sent.

Example (``tierscope analyze --top 2 | cat``)::

    Risk register — 17 findings, 1 of 1 products can be stopped by one failure (snapshot …)

    1. critical · single point of failure · L (company) · at stake 25,000
       LogiCo (L), a company, alone stops P: F depends critically on L. …
       stops: P

    2. critical · country outage · DE (country) · at stake 25,000
       An outage in DE alone stops P.
       stops: P

    … 15 more: --top N, --json or --csv DIR for all.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tierscope.graph.analysis.register import Finding
    from tierscope.graph.analysis.scenarios import StoppedProduct

__all__ = ["SEP", "finding_blocks", "key_values", "printable", "stopped_blocks", "text"]

#: between the short values of a heading line
SEP = " · "
#: kinds whose products are those their subject alone stops (a coverage gap's are the
#: products its partner alone stops); other kinds list the products they concern
_STOPS = frozenset(
    {"single_point_of_failure", "country_outage", "coverage_no_sponsor", "coverage_few_contacts"}
)
#: Unicode categories shown escaped: control characters, line and paragraph separators
_BREAKING = frozenset({"Cc", "Zl", "Zp"})


def printable(value: str) -> str:
    r"""``value`` on one line and inert: each control character or line separator
    (newline, tab, escape, U+2028, …) shown escaped (``\n``, ``\x1b``, ``\u2028``)
    rather than sent to the reader's terminal.

    >>> printable("Evil\x1b[31m Co\nLtd")
    'Evil\\x1b[31m Co\\nLtd'
    """
    if value.isprintable():
        return value
    return "".join(ascii(c)[1:-1] if unicodedata.category(c) in _BREAKING else c for c in value)


def text(*parts: str | Sequence[str] | None) -> str:
    """Paragraphs (a line, or a list of blocks) separated by blank lines; ``None`` skipped."""
    paragraphs: list[str] = []
    for part in parts:
        if part is None:
            continue
        paragraphs.extend([printable(part)] if isinstance(part, str) else part)
    return "\n\n".join(paragraphs)


def finding_blocks(findings: Sequence[Finding]) -> list[str]:
    """One block per finding: rank, severity, kind, subject (its type) and revenue
    at stake; its sentence; the products it stops or concerns."""
    width = max((len(str(f.rank)) for f in findings), default=1)
    indent = " " * (width + 2)
    out = []
    for f in findings:
        head = [f.severity, f.kind.replace("_", " "), f"{f.subject_id} ({f.subject_type})"]
        if f.revenue_at_stake:
            head.append(f"at stake {f.revenue_at_stake:,.0f}")
        lines = [f"{f.rank:>{width}}. {SEP.join(head)}", indent + f.sentence]
        if f.products:
            label = "stops" if f.kind in _STOPS else "products"
            lines.append(f"{indent}{label}: {', '.join(f.products)}")
        out.append(_lines(lines))
    return out


def stopped_blocks(stopped: Sequence[StoppedProduct], reasons: int = 3) -> list[str]:
    """One block per stopped product of a scenario: when it stops, for how long, the
    revenue lost; then its first ``reasons`` reasons, one a line."""
    out = []
    for p in stopped:
        stopped_for = _days(p.days_stopped)
        if p.covered_by_inventory:
            stopped_for += " (inventory covers it)"
        head = [
            p.product_id,
            f"stops after {_days(p.stops_after_days)}",
            f"stopped {stopped_for}",
            f"revenue lost {p.revenue_lost:,.0f}",
        ]
        lines = [SEP.join(head), *(f"   {why}" for why in p.evidence[:reasons])]
        out.append(_lines(lines))
    return out


def key_values(title: str, rows: Sequence[tuple[str, str]]) -> str:
    """A title, then one ``name  value`` line per row, the values aligned."""
    width = max((len(name) for name, _ in rows), default=0)
    lines = [title, *(f"{name:<{width}}  {value}".rstrip() for name, value in rows)]
    return _lines(lines)


def _lines(lines: Sequence[str]) -> str:
    return "\n".join(printable(line) for line in lines)


def _days(n: float) -> str:
    return f"{n:g} day{'' if n == 1 else 's'}"
