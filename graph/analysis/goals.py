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

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, TypeVar, overload

import numpy as np

from tierscope.graph.analysis import arrays
from tierscope.graph.analysis.supplies import SupplyModel

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
    requires: Runs[int]  # deliver goal -> receive goals it needs (AND)
    assumed: list[bool]  # made without a BOM: every supplied item taken as needed
    unmapped: Runs[str]  # deliver goal -> needed items with no recorded supplier
    receive: Pairs  # goal -> (company, item)
    alternatives: Alternatives  # receive -> [(deliver goal, site or -1, supply row)]
    #: ``deliver`` and ``receive`` as integer codes (see :class:`GoalCodes`)
    deliver_codes: GoalCodes = field(repr=False, compare=False)
    receive_codes: GoalCodes = field(repr=False, compare=False)
    #: ``requires`` as arrays: goal ``g`` needs ``flat[bounds[g]:bounds[g + 1]]``
    requires_arrays: tuple[np.ndarray, np.ndarray] = field(repr=False, compare=False)
    #: the deliver goal of each supply row (the alternatives as arrays, with the
    #: model's ``inbound_keys``)
    row_goal: np.ndarray = field(repr=False, compare=False)

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

        keys = m.inbound_keys  # receive goal k is key k
        buyer_ids, item_ids = m.codes("buyer")[1], m.codes("item")[1]
        receive_codes = GoalCodes(keys.buyer, buyer_ids, keys.item, item_ids)
        deliver, row_goal, deliver_codes, company_at, item_at = _deliver_goals(m)
        deliver_index = {key: k for k, key in enumerate(deliver)}
        requires, requires_arrays, assumed, unmapped = _requirements(
            m, deliver_codes, company_at[keys.buyer], item_at[keys.item]
        )
        # each receive goal's supply rows as (deliver goal, site element or -1, row)
        site_code, site_ids = m.codes("site")  # no site: -1
        site_element = np.array([index.get(x, -1) for x in site_ids] + [-1], dtype=np.int64)
        rows = keys.rows
        alternatives = Alternatives(
            keys.bounds.tolist(),
            row_goal[rows].tolist(),
            site_element[site_code[rows]].tolist(),
            rows.tolist(),
        )
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
            receive=Pairs(receive_codes),
            alternatives=alternatives,
            deliver_codes=deliver_codes,
            receive_codes=receive_codes,
            requires_arrays=requires_arrays,
            row_goal=row_goal,
        )

    def links(self) -> Links:
        """Every link of the goal graph as integer arrays (see :class:`Links`)."""
        bounds, flat = self.requires_arrays
        keys = self.model.inbound_keys
        n_d, n_r = len(self.deliver), len(self.receive)
        return Links(
            np.repeat(np.arange(n_d, dtype=np.int64), np.diff(bounds)),
            flat,
            np.repeat(np.arange(n_r, dtype=np.int64), np.diff(keys.bounds)),
            self.row_goal[keys.rows],
            keys.rows,
        )

    def baseline(self) -> tuple[list[bool], list[bool]]:
        """Which deliver and receive goals hold with nothing failed (the least fixpoint).

        Forward propagation as in :func:`~tierscope.graph.analysis.availability.evaluate`,
        one wave at a time over the goal graph's arrays: each wave delivers the goals
        whose inputs all arrived, and each goal they feed is received. The waves are
        as many as the longest chain of goals (a few per tier), each a few array
        operations over the goals it touches.
        """
        n_d, n_r = len(self.deliver), len(self.receive)
        link = self.links()
        # deliver goal -> receive goals it feeds; receive goal -> deliver goals waiting
        feeds = arrays.csr(link.feed_goal, link.feed_receive, n_d)
        waiting = arrays.csr(link.need_receive, link.need_goal, n_r)
        feeds_len, waiting_len = np.diff(feeds[0]), np.diff(waiting[0])
        missing = np.diff(self.requires_arrays[0])
        delivered = np.zeros(n_d, dtype=bool)
        received = np.zeros(n_r, dtype=bool)
        wave = np.flatnonzero(missing == 0)
        while len(wave):
            delivered[wave] = True
            r = feeds[1][arrays.ranges(feeds[0][wave], feeds_len[wave])]
            r = arrays.unique(r[~received[r]])
            received[r] = True
            parents = waiting[1][arrays.ranges(waiting[0][r], waiting_len[r])]
            parents, counts = arrays.counted(parents)
            missing[parents] -= counts
            wave = parents[missing[parents] == 0]
        return delivered.tolist(), received.tolist()


@dataclass(frozen=True)
class Links:
    """The goal graph's links, one entry each: deliver goal ``need_goal[k]`` needs
    receive goal ``need_receive[k]`` (AND), in goal order; receive goal
    ``feed_receive[k]`` can be fed by deliver goal ``feed_goal[k]`` through supply
    row ``feed_row[k]`` (OR), in receive goal order."""

    need_goal: np.ndarray
    need_receive: np.ndarray
    feed_receive: np.ndarray
    feed_goal: np.ndarray
    feed_row: np.ndarray


class _Eq:
    """Equality as the lists the sequence reads as."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        mine: list[Any] = list(self)  # type: ignore[call-overload]
        theirs: list[Any] = list(other)  # type: ignore[call-overload]
        return mine == theirs

    __hash__ = None  # type: ignore[assignment]


T = TypeVar("T")


class Runs(_Eq, Sequence[list[T]]):
    """Run ``g`` of a flat list, ``flat[bounds[g]:bounds[g + 1]]``, as a list made when
    read: millions of goals at scale, whose links stay two flat lists."""

    __slots__ = ("bounds", "flat")

    def __init__(self, bounds: list[int], flat: list[T]) -> None:
        self.bounds, self.flat = bounds, flat

    def __len__(self) -> int:
        return len(self.bounds) - 1

    @overload
    def __getitem__(self, g: int) -> list[T]: ...
    @overload
    def __getitem__(self, g: slice) -> list[list[T]]: ...
    def __getitem__(self, g: int | slice) -> list[T] | list[list[T]]:
        if isinstance(g, slice):
            return [self[k] for k in range(*g.indices(len(self)))]
        if g < 0:
            g += len(self)
        return self.flat[self.bounds[g] : self.bounds[g + 1]]


class Alternatives(_Eq, Sequence[list[tuple[int, int, int]]]):
    """Each receive goal's supply relationships as (deliver goal, site element or -1,
    supply row), made when read from three flat lists (``goal``, ``site``, ``row``)
    run by run as :class:`Runs`."""

    __slots__ = ("bounds", "goal", "row", "site")

    def __init__(self, bounds: list[int], goal: list[int], site: list[int], row: list[int]):
        self.bounds, self.goal, self.site, self.row = bounds, goal, site, row

    def __len__(self) -> int:
        return len(self.bounds) - 1

    @overload
    def __getitem__(self, r: int) -> list[tuple[int, int, int]]: ...
    @overload
    def __getitem__(self, r: slice) -> list[list[tuple[int, int, int]]]: ...
    def __getitem__(
        self, r: int | slice
    ) -> list[tuple[int, int, int]] | list[list[tuple[int, int, int]]]:
        if isinstance(r, slice):
            return [self[k] for k in range(*r.indices(len(self)))]
        if r < 0:
            r += len(self)
        a, z = self.bounds[r], self.bounds[r + 1]
        return list(zip(self.goal[a:z], self.site[a:z], self.row[a:z], strict=True))


class Pairs(_Eq, Sequence[tuple[str, str]]):
    """Goal ``g`` as its (company, item) ids, read from its :class:`GoalCodes`."""

    __slots__ = ("codes",)

    def __init__(self, codes: GoalCodes) -> None:
        self.codes = codes

    def __len__(self) -> int:
        return len(self.codes.company)

    @overload
    def __getitem__(self, g: int) -> tuple[str, str]: ...
    @overload
    def __getitem__(self, g: slice) -> list[tuple[str, str]]: ...
    def __getitem__(self, g: int | slice) -> tuple[str, str] | list[tuple[str, str]]:
        c = self.codes
        if isinstance(g, slice):
            return list(
                zip(c.companies[c.company[g]].tolist(), c.items[c.item[g]].tolist(), strict=True)
            )
        return str(c.companies[c.company[g]]), str(c.items[c.item[g]])


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


def _deliver_goals(
    m: SupplyModel,
) -> tuple[list[tuple[str, str]], np.ndarray, GoalCodes, np.ndarray, np.ndarray]:
    """Every (supplier, item) of the supply rows and (focal company, product), sorted,
    the deliver goal of each supply row, the goals as codes (integer codes sorted
    once, not millions of (str, str) tuples), and where the model's company and
    item codes land among the goals' (they take in the focal company and products)."""
    n = len(m.supplies)
    company, companies, focal, company_at = _extended(
        *m.codes("supplier"), [m.focal] * len(m.products)
    )
    item, items, products, item_at = _extended(*m.codes("item"), m.products)
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
    return deliver, goal.reshape(-1)[:n], codes, company_at, item_at


def _extended(
    codes: np.ndarray, ids: np.ndarray, extra: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sorted codes of ``ids`` widened to take in a few ``extra`` ids: the codes
    renumbered, the distinct ids, the codes of ``extra``, and each old code's new one."""
    moved = np.arange(len(ids), dtype=np.int64)
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
        moved = moved + np.searchsorted(slots, moved, side="right")
    return codes, ids, np.searchsorted(ids, wanted).astype(np.int64), moved


def _requirements(
    m: SupplyModel, dc: GoalCodes, receive_company: np.ndarray, receive_item: np.ndarray
) -> tuple[Runs[int], tuple[np.ndarray, np.ndarray], list[bool], Runs[str]]:
    """What each deliver goal needs (DESIGN.md): a company that receives the item it
    delivers (a distributor, a second source) needs to receive it; an item with a
    bill of materials needs each of its inputs; any other item needs everything its
    maker has recorded suppliers of (the assumption flagged ``assumed``). Needed
    items nobody is recorded to supply are ``unmapped``.

    ``receive_company``/``receive_item``: each receive goal's codes among the deliver
    goals' (``dc``). Receive goals sort by (company, item), so a company's receive
    goals are one run of them, and every lookup is a search of sorted integers.
    """
    n_g, n_items = len(dc.company), len(dc.items)
    r_key = receive_company * n_items + receive_item  # sorted
    g_key = dc.company * n_items + dc.item

    def find(key: np.ndarray) -> np.ndarray:
        """The receive goal with each packed (company, item) ``key`` (-1: none)."""
        return arrays.find(r_key, key)

    goal = np.arange(n_g, dtype=np.int64)
    own = find(g_key)
    receives = own >= 0
    # items with a bill of materials: their inputs, sorted by id, one run per item
    # in the order of the items' codes; each input as a code (-1: an item no goal
    # delivers, so never received)
    parents = np.empty(len(m.bom), dtype=object)
    parents[:] = list(m.bom)
    inputs = {
        at: sorted(set(m.bom[parent]))
        for parent, at in zip(
            parents.tolist(), arrays.find(dc.items, parents).tolist(), strict=True
        )
        if at >= 0
    }
    counts = np.zeros(n_items + 1, dtype=np.int64)
    for at, kids in inputs.items():
        counts[at + 1] = len(kids)
    child_start = np.cumsum(counts)
    child_names = np.array(
        list(chain.from_iterable(inputs[at] for at in sorted(inputs))), dtype=object
    )
    child_code = arrays.find(dc.items, child_names)
    with_bom = ~receives & (counts[dc.item + 1] > 0)
    # goals with a bill of materials: one entry per (goal, input)
    g_bom = goal[with_bom]
    n_kids = counts[dc.item[g_bom] + 1]
    first_kid = child_start[dc.item[g_bom]]
    kid = arrays.ranges(first_kid, n_kids)
    g_kid = np.repeat(g_bom, n_kids)
    code = child_code[kid]
    r_kid = np.where(code >= 0, find(dc.company[g_kid] * n_items + np.maximum(code, 0)), -1)
    # the rest: everything the maker receives (a run of receive goals), assumed
    rest = goal[~receives & ~with_bom]
    lo = np.searchsorted(receive_company, dc.company[rest], side="left")
    hi = np.searchsorted(receive_company, dc.company[rest], side="right")
    g_run = np.repeat(rest, hi - lo)
    r_run = arrays.ranges(lo, hi - lo)
    # every (goal, receive goal) in goal order; within a goal, in item order
    found = r_kid >= 0
    entry_goal = np.concatenate([goal[receives], g_kid[found], g_run])
    entry_receive = np.concatenate([own[receives], r_kid[found], r_run])
    bounds_array, flat_array = arrays.csr(entry_goal, entry_receive, n_g)
    requires = Runs(bounds_array.tolist(), flat_array.tolist())
    assumed = np.zeros(n_g, dtype=bool)
    assumed[rest] = hi > lo
    # needed items nobody supplies, in goal order (g_kid is sorted), by id within a goal
    unmapped = Runs(
        np.r_[0, np.cumsum(np.bincount(g_kid[~found], minlength=n_g))].tolist(),
        child_names[kid[~found]].tolist(),
    )
    return requires, (bounds_array, flat_array), assumed.tolist(), unmapped
