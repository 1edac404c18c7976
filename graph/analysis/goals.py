"""The AND/OR goal graph of a supply model, compiled to integer indices.

Two kinds of goal, following DESIGN.md's availability rules:

* a **deliver** goal ``(c, i)`` — company ``c`` delivers item ``i`` — exists for
  every (supplier, item) of ``supplies.csv`` and for (focal company, product).
  It is an AND: ``c`` must be up and receive every *required* input;
* a **receive** goal ``(c, j)`` exists for every (buyer, item) with recorded
  suppliers. It is an OR over its supply relationships: one up relationship
  whose supplier delivers ``j`` is enough.

Inputs without any recorded supplier are *unmapped* (assumed received) and are
no goals at all; a deliver goal made "without a bill of materials, so every
supplied item is needed" is flagged ``assumed``.

The elements that can fail — companies, sites and countries — share one index
space: companies first, then sites, then countries.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from itertools import chain, pairwise

import numpy as np

from tierscope.graph.analysis import arrays
from tierscope.graph.analysis.availability import SupplyModel

__all__ = ["GoalGraph"]


@dataclass
class GoalGraph:
    """Deliver and receive goals with their AND/OR links, by integer index."""

    model: SupplyModel
    elements: list[str]  # companies, then sites, then countries
    element_kind: list[str]  # "company", "site" or "country"
    element_index: dict[str, int]  # company or site id -> index (countries: see country_index)
    country_index: dict[str, int]
    deliver: list[tuple[str, str]]  # goal -> (company, item)
    deliver_index: dict[tuple[str, str], int]
    deliver_company: list[int]  # goal -> element index of its company
    requires: list[list[int]]  # deliver goal -> receive goals it needs (AND)
    assumed: list[bool]  # made without a BOM: every supplied item taken as needed
    unmapped: list[list[str]]  # deliver goal -> needed items with no recorded supplier
    receive: list[tuple[str, str]]  # goal -> (company, item)
    receive_index: dict[tuple[str, str], int]
    alternatives: list[
        list[tuple[int, int, int]]
    ]  # receive -> (deliver goal, site or -1, supply row)
    #: ``deliver`` and ``receive`` as integer codes (see :class:`GoalCodes`)
    deliver_codes: GoalCodes = field(repr=False, compare=False)
    receive_codes: GoalCodes = field(repr=False, compare=False)

    @classmethod
    def build(cls, m: SupplyModel) -> GoalGraph:
        companies = sorted(m.company_country)
        sites = sorted(m.site_company)
        countries = sorted(
            {c for c in m.company_country.values() if c} | {c for c in m.site_country.values() if c}
        )
        elements = companies + sites + countries
        kinds = ["company"] * len(companies) + ["site"] * len(sites) + ["country"] * len(countries)
        index = {e: k for k, e in enumerate(companies + sites)}
        country_index = {c: len(companies) + len(sites) + k for k, c in enumerate(countries)}

        receive = list(m.inbound)  # kept in sorted order by SupplyModel.index_inbound
        sources = list(m.inbound.values())
        buyer_code, item_code = m.inbound_codes
        receive_codes = GoalCodes(buyer_code, m.codes("buyer")[1], item_code, m.codes("item")[1])
        receive_index = {key: k for k, key in enumerate(receive)}
        deliver, row_goal, deliver_codes = _deliver_goals(m)
        deliver_index = {key: k for k, key in enumerate(deliver)}

        requires: list[list[int]] = []
        assumed: list[bool] = []
        unmapped: list[list[str]] = []
        for c, i in deliver:
            if (c, i) in m.inbound:  # a distributor or second source: it must receive i itself
                needed, used_assumption = [i], False
            else:
                needed, used_assumption = m.inputs(c, i)
            req: list[int] = []
            missing: list[str] = []
            for j in sorted(set(needed)):
                r = receive_index.get((c, j))
                if r is None:
                    missing.append(j)
                else:
                    req.append(r)
            requires.append(req)
            assumed.append(used_assumption)
            unmapped.append(missing)
        # each receive goal's supply rows as (deliver goal, site element or -1, row)
        site_code, site_ids = m.codes("site")  # no site: -1
        site_element = np.array([index.get(x, -1) for x in site_ids] + [-1], dtype=np.int64)
        rows = np.fromiter(
            chain.from_iterable(sources), dtype=np.int64, count=sum(map(len, sources))
        )
        triples = list(
            zip(
                row_goal[rows].tolist(),
                site_element[site_code[rows]].tolist(),
                rows.tolist(),
                strict=True,
            )
        )
        bounds = np.cumsum([0, *map(len, sources)]).tolist()
        alternatives = [triples[a:z] for a, z in pairwise(bounds)]
        del triples, sources
        return cls(
            model=m,
            elements=elements,
            element_kind=kinds,
            element_index=index,
            country_index=country_index,
            deliver=deliver,
            deliver_index=deliver_index,
            deliver_company=[index[c] for c, _ in deliver],
            requires=requires,
            assumed=assumed,
            unmapped=unmapped,
            receive=receive,
            receive_index=receive_index,
            alternatives=alternatives,
            deliver_codes=deliver_codes,
            receive_codes=receive_codes,
        )

    def baseline(self) -> tuple[list[bool], list[bool]]:
        """Which deliver and receive goals hold with nothing failed (the least fixpoint)."""
        delivered = [False] * len(self.deliver)
        received = [False] * len(self.receive)
        missing = [len(req) for req in self.requires]
        waiting: list[list[int]] = [[] for _ in self.receive]
        for g, req in enumerate(self.requires):
            for r in req:
                waiting[r].append(g)
        feeds: list[list[int]] = [[] for _ in self.deliver]
        for r, alts in enumerate(self.alternatives):
            for g, _, _ in alts:
                feeds[g].append(r)
        ready = deque(g for g, n in enumerate(missing) if n == 0)
        while ready:
            g = ready.popleft()
            if delivered[g]:
                continue
            delivered[g] = True
            for r in feeds[g]:
                if received[r]:
                    continue
                received[r] = True
                for parent in waiting[r]:
                    missing[parent] -= 1
                    if missing[parent] == 0:
                        ready.append(parent)
        return delivered, received


@dataclass(frozen=True)
class GoalCodes:
    """Goals as integer codes: goal ``g`` is ``(companies[company[g]], items[item[g]])``.
    The id arrays are sorted, so codes order as the ids do. Analyses that treat
    millions of goals read these instead of the goals' (str, str) tuples."""

    company: np.ndarray
    companies: np.ndarray
    item: np.ndarray
    items: np.ndarray

    def code_of(self, company: str) -> int:
        """The code of ``company`` (-1 when no goal has it)."""
        at = int(np.searchsorted(self.companies, company))
        return at if at < len(self.companies) and self.companies[at] == company else -1


def _deliver_goals(m: SupplyModel) -> tuple[list[tuple[str, str]], np.ndarray, GoalCodes]:
    """Every (supplier, item) of the supply rows and (focal company, product), sorted,
    the deliver goal of each supply row, and the goals as codes: integer codes sorted
    once, not millions of (str, str) tuples."""
    n = len(m.supplies)
    company, companies, focal = _extended(*m.codes("supplier"), [m.focal] * len(m.products))
    item, items, products = _extended(*m.codes("item"), m.products)
    company, item = np.r_[company, focal], np.r_[item, products]
    pairs, goal = arrays.unique_inverse(company.astype(np.int64) * len(items) + item)
    codes = GoalCodes(pairs // len(items), companies, pairs % len(items), items)
    deliver = list(
        zip(
            companies[codes.company].tolist(),
            items[codes.item].tolist(),
            strict=True,
        )
    )
    return deliver, goal.reshape(-1)[:n], codes


def _extended(
    codes: np.ndarray, ids: np.ndarray, extra: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted codes of ``ids`` widened to take in a few ``extra`` ids: the codes
    renumbered, the distinct ids, and the codes of ``extra``."""
    wanted = np.empty(len(extra), dtype=object)
    wanted[:] = extra
    if len(ids):
        at = np.searchsorted(ids, wanted)
        present = (at < len(ids)) & (ids[np.minimum(at, len(ids) - 1)] == wanted)
    else:
        present = np.zeros(len(extra), dtype=bool)
    missing = np.empty(0, dtype=object)
    if not present.all():
        missing = np.array(sorted(set(wanted[~present].tolist())), dtype=object)
    if len(missing):
        slots = np.searchsorted(ids, missing)
        ids = np.insert(ids, slots, missing)
        codes = codes + np.searchsorted(slots, codes, side="right")
    return codes, ids, np.searchsorted(ids, wanted).astype(np.int64)
