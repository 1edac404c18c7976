"""The loaded ecosystem with its stored results, read once and shared by every request.

:meth:`Engine.current` returns the :class:`~tierscope.graph.ecosystem.Ecosystem`
of the snapshot in the database. It asks the database which snapshot is loaded
at most every ``freshness_seconds``; when the snapshot changed (a new import,
here or from the CLI) it reads the new one and its stored results (analysing and
storing them first only when none are stored). One thread rebuilds
while the others wait for it, and the new ecosystem replaces the old in a
single assignment, so a request sees either the old results or the new ones,
never a mixture. When the database cannot be reached, the check raises
:class:`~tierscope.graph.errors.DatabaseUnavailable` (503); the next check
after it returns simply succeeds again: the driver reconnects by itself.
"""

from __future__ import annotations

import logging
import threading
import time

import anyio

from tierscope.graph.current import ecosystem
from tierscope.graph.ecosystem import Ecosystem
from tierscope.graph.store import Store

__all__ = ["Engine"]

log = logging.getLogger("tierscope.api")


class Engine:
    def __init__(self, store: Store, freshness_seconds: float = 1.0) -> None:
        self.store = store
        self.freshness = freshness_seconds
        self._eco: Ecosystem | None = None
        self._checked = float("-inf")  # monotonic time of the last successful check
        self._lock = threading.Lock()
        self.writing = threading.Lock()  # one import at a time
        self._warming: threading.Thread | None = None

    async def fresh(self) -> Ecosystem:
        """:meth:`current` for the event loop: at once while the results are fresh, else
        the check (and any rebuild) in a worker thread."""
        eco = self._eco
        if eco is not None and time.monotonic() - self._checked < self.freshness:
            return eco
        return await anyio.to_thread.run_sync(self.current)

    def current(self) -> Ecosystem:
        eco = self._eco
        if eco is not None and time.monotonic() - self._checked < self.freshness:
            return eco
        with self._lock:
            eco = self._eco
            if eco is not None and time.monotonic() - self._checked < self.freshness:
                return eco
            state = self.store.require_complete()
            if eco is None or eco.snapshot != state.snapshot:
                log.info("reading snapshot %s and its stored results", state.snapshot)
                started = time.monotonic()
                eco = ecosystem(self.store, say=log.info)
                log.info("read snapshot %s in %.1f s", eco.snapshot, time.monotonic() - started)
                self._eco = eco
            self._checked = time.monotonic()
            return eco

    def warm(self) -> threading.Thread:
        """Read the ecosystem and its stored results in a thread now, so that the first
        request finds them ready (or waits only for the rest of the read); a failure is
        logged and left to the first request to meet again. Warming again while it
        warms returns the same thread."""
        if self._warming is not None and self._warming.is_alive():
            return self._warming

        def run() -> None:
            try:
                self.current()
            except Exception as e:  # the request that needs it reports it properly
                log.warning("could not read the ecosystem at start-up: %s", e)

        thread = threading.Thread(target=run, name="tierscope-warm", daemon=True)
        thread.start()
        self._warming = thread
        return thread

    @property
    def loaded(self) -> Ecosystem | None:
        """The ecosystem analysed last, without checking the database."""
        return self._eco

    def invalidate(self) -> None:
        """Make the next request check the database (after an import)."""
        self._checked = float("-inf")

    def reachable(self) -> tuple[bool, str | None]:
        try:
            self.store.verify()
        except Exception as e:  # any failure means "not reachable" to a health check
            return False, str(e)
        return True, None
