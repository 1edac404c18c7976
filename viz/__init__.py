"""Analysis results to HTML: pyvis explorer views and the leadership report.

Imports only ``graph``; never talks to Neo4j.
"""
