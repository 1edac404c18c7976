"""tierscope: a graph-based explorer of a company's partner ecosystem.

The packages are ``tierscope.graph`` (domain core: schema, Neo4j store,
networkx projection, analyses), ``tierscope.loaders`` (bundle files to
validated records), ``tierscope.api`` (HTTP), ``tierscope.viz`` (HTML) and
``tierscope.cli`` (the ``tierscope`` command).
"""

__version__ = "0.1.0"
