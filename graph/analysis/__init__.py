"""Analyses over the networkx projection: pure functions, no database.

``availability`` evaluates DESIGN.md's AND/OR rules under failures;
``oracle`` holds the brute-force single-point-of-failure definition used to
check faster algorithms.
"""
