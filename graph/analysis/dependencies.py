"""Does a product depend on a company or site, at which tiers, through which paths?

The product's **supply tree** is walked once, breadth first from the product
down to its sources over the goal graph, and kept for every later question:

* the focal company's (product) goal is at tier 0; the suppliers of every input
  a goal at tier ``t`` needs are at tier ``t + 1`` (a distributor's own
  suppliers are one tier further, as DESIGN.md counts tiers);
* a company's critical providers (``DEPENDS_ON`` with ``critical``) are one
  tier below it: it cannot deliver while they are down;
* a goal reached along several routes is kept at each distinct tier, up to
  :data:`TIERS_PER_GOAL` of them (the shortest), so a supply loop ends. A
  link into a goal already kept that often is not followed (what is upstream
  of the goal is in the tree already, at shallower tiers), but it is kept as a
  link of the tree: the site it ships from may be reached through it alone
  (in a loop, the goal's kept tiers may all come in through one site, and a
  deeper buyer through another).

A company is depended on when one of its goals is in the tree; a site when a
supply link of the tree ships from it, or comes from its company without
naming a site. Each path runs from the company (or site) to the product, in
the form of the single-point-of-failure paths: ``(node, ..., focal, product)``.
Whether the node is a single point of failure comes from the necessity sets,
exactly as :mod:`~tierscope.graph.analysis.spof` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tierscope.graph.analysis.goals import GoalGraph
from tierscope.graph.analysis.spof import Necessity, SinglePoint

__all__ = ["TIERS_PER_GOAL", "DependencyCheck", "SupplyTree"]

#: distinct tiers kept per goal (a goal met again deeper than this is not followed)
TIERS_PER_GOAL = 4

# A state is (goal, tier): goal >= 0 is a deliver goal, goal < 0 is ~element of a
# critical provider. A link is (parent state, site element or -1).
State = tuple[int, int]
Link = tuple[State, int]


@dataclass(frozen=True, slots=True)
class DependencyCheck:
    """The answer to "does ``product_id`` depend on ``node_id``?"."""

    product_id: str
    node_id: str
    node_type: str  # "company" or "site"
    depends_on: bool
    is_single_point_of_failure: bool
    tiers: tuple[int, ...]
    paths: tuple[tuple[str, ...], ...]  # node -> ... -> focal -> product, shortest first
    paths_truncated: bool  # more paths exist than were asked for
    evidence: tuple[str, ...] = ()  # why it is a single point of failure, step by step
    assumptions: tuple[str, ...] = ()

    def __json__(self) -> dict[str, object]:
        """As JSON data, directly (answered thousands of times a second by the API)."""
        return {
            "product_id": self.product_id,
            "node_id": self.node_id,
            "node_type": self.node_type,
            "depends_on": self.depends_on,
            "is_single_point_of_failure": self.is_single_point_of_failure,
            "tiers": list(self.tiers),
            "paths": [list(p) for p in self.paths],
            "paths_truncated": self.paths_truncated,
            "evidence": list(self.evidence),
            "assumptions": list(self.assumptions),
        }


@dataclass
class SupplyTree:
    """Everything upstream of one product, with the links back towards it."""

    product_id: str
    graph: GoalGraph
    parents: dict[State, list[Link]] = field(default_factory=dict)
    states_of: dict[int, list[State]] = field(default_factory=dict)  # element -> its states
    # site element -> (state shipping from it, the link) for links naming the site; the
    # state is not in ``parents`` when the link leads to a goal kept at every tier it may be
    shipped_from: dict[int, list[tuple[State, Link]]] = field(default_factory=dict)
    # company element -> (state, link) of such links naming no site: any site of the
    # company may carry them
    unnamed_beyond: dict[int, list[tuple[State, Link]]] = field(default_factory=dict)

    @classmethod
    def build(cls, goals: GoalGraph | Necessity, product: str) -> SupplyTree:
        """The tree of ``product`` over the goal graph (of a :class:`Necessity`, or alone:
        the tree needs no necessity sets, so a reader of stored results can build it)."""
        gg = goals.graph if isinstance(goals, Necessity) else goals
        m = gg.model
        tree = cls(product, gg)
        root: State = (gg.deliver_index[(m.focal, product)], 0)
        tree.parents[root] = []
        tree.states_of[gg.deliver_company[root[0]]] = [root]
        tiers_seen: dict[int, int] = {}
        frontier = [root]
        while frontier:
            following: list[State] = []
            for state in frontier:
                g, t = state
                company = gg.deliver[g][0] if g >= 0 else gg.elements[~g]
                children: list[tuple[int, int]] = []
                if g >= 0:
                    for r in gg.requires[g]:
                        children.extend((g2, site) for g2, site, _ in gg.alternatives[r])
                for p in m.critical_providers.get(company, ()):
                    e = gg.element_index.get(p)
                    if e is not None:
                        children.append((~e, -1))
                for child, site in children:
                    s2 = (child, t + 1)
                    links = tree.parents.get(s2)
                    if links is None:
                        if tiers_seen.get(child, 0) >= TIERS_PER_GOAL:
                            # not followed, but a supply link of the tree all the same
                            if site >= 0:
                                tree.shipped_from.setdefault(site, []).append((s2, (state, site)))
                            elif child >= 0:
                                tree.unnamed_beyond.setdefault(
                                    gg.deliver_company[child], []
                                ).append((s2, (state, site)))
                            continue
                        tiers_seen[child] = tiers_seen.get(child, 0) + 1
                        links = tree.parents[s2] = []
                        following.append(s2)
                        e = gg.deliver_company[child] if child >= 0 else ~child
                        tree.states_of.setdefault(e, []).append(s2)
                    links.append((state, site))
                    if site >= 0:
                        tree.shipped_from.setdefault(site, []).append((s2, (state, site)))
            frontier = following
        return tree

    # -- answers ---------------------------------------------------------------------

    def check(self, node: int, spof: SinglePoint | None, limit: int = 10) -> DependencyCheck:
        """Whether the product depends on element ``node`` (a company or site), with paths."""
        gg = self.graph
        kind = gg.element_kind[node]
        node_id = gg.elements[node]
        # (state, the one link to follow or None for all, whether the site leads the path)
        starts: list[tuple[State, Link | None, bool]] = []
        if kind == "company":
            starts = [(s, None, False) for s in self.states_of.get(node, ())]
        else:
            starts = [(s, link, True) for s, link in self.shipped_from.get(node, ())]
            owner = gg.element_index.get(gg.model.site_company.get(node_id, ""))
            for s in self.states_of.get(owner, ()) if owner is not None else ():
                links = self.parents[s]
                if not links or s[0] < 0:  # the focal company itself, or a provider
                    starts.append((s, None, True))
                else:  # links that name no site: any site of the company may carry them
                    starts.extend((s, link, True) for link in links if link[1] < 0)
            if owner is not None:  # such links into goals not followed further
                starts.extend((s, link, True) for s, link in self.unnamed_beyond.get(owner, ()))
        tiers = sorted({s[1] for s, _, _ in starts})
        paths, truncated = self._paths(node_id, starts, limit)
        evidence: tuple[str, ...] = ()
        assumptions: tuple[str, ...] = ()
        if spof is not None:
            steps, _, assumptions = spof.explained()
            evidence = tuple(s.text for s in steps)
        return DependencyCheck(
            self.product_id,
            node_id,
            kind,
            bool(starts),
            spof is not None,
            tuple(tiers),
            paths,
            truncated,
            evidence,
            assumptions,
        )

    def _paths(
        self, node_id: str, starts: list[tuple[State, Link | None, bool]], limit: int
    ) -> tuple[tuple[tuple[str, ...], ...], bool]:
        """Up to ``limit`` paths from the node to the product, shortest first."""
        gg = self.graph
        out: list[tuple[str, ...]] = []

        def company(state: State) -> str:
            g = state[0]
            return gg.deliver[g][0] if g >= 0 else gg.elements[~g]

        def walk(state: State, acc: list[str]) -> bool:
            """Extend ``acc`` to the root along every link; False once ``limit`` is passed."""
            links = self.parents[state]
            if not links:  # the root: the focal company's goal
                path = [*acc, self.product_id]
                dedup = tuple(x for k, x in enumerate(path) if k == 0 or path[k - 1] != x)
                if dedup not in seen:
                    seen.add(dedup)
                    out.append(dedup)
                return len(out) <= limit
            return all(walk(parent, [*acc, company(parent)]) for parent, _ in links)

        seen: set[tuple[str, ...]] = set()
        for state, link, site_first in sorted(starts, key=lambda x: x[0][1]):
            head = [node_id, company(state)] if site_first else [company(state)]
            if link is not None:  # follow the one link the site ships on
                parent = link[0]
                if not walk(parent, [*head, company(parent)]):
                    break
            elif not walk(state, head):
                break
        truncated = len(out) > limit
        return tuple(out[:limit]), truncated
