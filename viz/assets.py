"""The JavaScript and CSS every page carries inline, so that it works offline.

vis-network (the drawing library pyvis builds on) comes from the pyvis package
itself: the same version pyvis's own templates were written for, and no
download. Nothing here is fetched from a network.
"""

from __future__ import annotations

import functools
import re
from importlib.resources import files

__all__ = ["inline", "vis_css", "vis_js"]

_VIS = "templates/lib/vis-9.1.2"


@functools.cache
def vis_js() -> str:
    """vis-network's JavaScript, ready to sit inside a ``<script>`` element."""
    return inline((files("pyvis") / _VIS / "vis-network.min.js").read_text(encoding="utf-8"))


@functools.cache
def vis_css() -> str:
    """vis-network's stylesheet (its images are ``data:`` URIs), for a ``<style>`` element."""
    return inline((files("pyvis") / _VIS / "vis-network.css").read_text(encoding="utf-8"))


def inline(text: str) -> str:
    """``text`` safe to place inside a ``<script>`` or ``<style>`` element: no sequence in
    it can close the element early (vis-network has none; this keeps it so)."""
    return re.sub(r"</(script|style)", r"<\\/\1", text, flags=re.IGNORECASE)
