"""What every command shares: the consoles, clean errors, the store on demand."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape

from tierscope.cli.blocks import printable
from tierscope.graph.errors import BundleError, TierscopeError

if TYPE_CHECKING:
    from tierscope.graph.store import Store

__all__ = ["cell", "console", "err", "handle_errors", "open_store", "split_ids", "state"]

# Tables when stdout is a terminal (rich decides: isatty, FORCE_COLOR, TTY_COMPATIBLE;
# COLUMNS sets the width, NO_COLOR drops the colours); the commands print plain
# blocks (cli/blocks.py) when it is not. No emoji codes: ":fire:" in a name stays text.
console = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


class _State:
    debug = False


state = _State()


@contextmanager
def handle_errors() -> Iterator[None]:
    """Turn a user's mistake into a one-line message and exit code 1 (``--debug``: traceback)."""
    try:
        yield
    except BundleError as e:
        if state.debug:
            raise
        for problem in e.listed:
            err.print(str(problem), markup=False)
        if e.unlisted:
            err.print(f"and {e.unlisted:,} more", markup=False)
        n = len(e.problems)
        err.print(
            f"{e.source}: {n:,} problem{'s' if n != 1 else ''}; nothing was written.", markup=False
        )
        raise typer.Exit(1) from None
    except TierscopeError as e:
        if state.debug:
            raise
        err.print(f"Error: {e}", markup=False)
        raise typer.Exit(1) from None
    except BrokenPipeError:
        raise  # the reader of stdout went away (`| head`): click exits quietly
    except OSError as e:  # a file or folder the user named cannot be read or written
        if state.debug:
            raise
        where = f" {e.filename}:" if e.filename else ""
        err.print(f"Error:{where} {e.strerror or e}", markup=False)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        err.print("Interrupted.")
        raise typer.Exit(130) from None


def open_store(connect_timeout: float = 30.0) -> Store:
    """A store on ``NEO4J_URI``, or on the local server (started now if it is not running)."""
    # imported here: the driver is half of what start-up would cost (tests/cli/test_startup.py)
    from tierscope.graph.localdb import ensure_database
    from tierscope.graph.store import Store

    settings = ensure_database(start=True, log=lambda m: err.print(m, markup=False))
    store = Store(settings, connect_timeout=connect_timeout)
    try:
        store.verify()
    except BaseException:
        store.close()
        raise
    return store


def cell(text: str) -> str:
    """``text`` from the data for a rich table cell or title: one line, no control
    characters, no markup."""
    return escape(printable(text))


def split_ids(values: list[str] | None) -> list[str]:
    """``--fail A,B --fail C`` as ``[A, B, C]``: repeatable, comma-separated, blanks dropped."""
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]
