"""Analyses over the networkx projection: pure functions, no database.

In the order :func:`~tierscope.graph.analysis.run.analyze` follows them:
``supplies`` indexes the supply rows once (codes, (buyer, item) keys, shares);
``goals`` compiles them into the AND/OR goal graph; ``context`` holds both with
the node attributes; ``availability`` evaluates DESIGN.md's AND/OR rules under
failures; ``spof`` finds the single points of failure (``oracle`` holds the
brute-force definition used to check it); ``scenarios``, ``concentration``
(``hhi``, ``flows``, ``exposure``, ``hidden``, ``convergence``), ``coverage``
and ``classical`` read them; ``register`` ranks the findings; ``results``
turns them into JSON and tables.
"""
