"""HTTP API (FastAPI) over ``tierscope.graph``: routes of a few lines, schemas, auth.

Imports ``graph``, ``viz`` and ``loaders``; nothing imports it back.
"""
