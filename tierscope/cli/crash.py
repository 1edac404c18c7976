"""An unexpected error as one line on stderr and a log file: never a traceback on screen.

The user's own mistakes (a bad bundle, an unreachable database, a file that
cannot be written) are translated by :func:`~tierscope.cli.common.handle_errors`.
Anything else is a defect or a damaged environment: the command says in one
line what failed and where the traceback is (a new file in
``$TIERSCOPE_HOME/logs``), and exits with code 1. ``tierscope --debug``
shows the traceback instead.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from tierscope import __version__
from tierscope.cli.common import err, state
from tierscope.graph.config import tierscope_home

__all__ = ["ReportingGroup", "log_folder", "write_log"]


class ReportingGroup(TyperGroup):
    """A command group whose commands end an unexpected exception in one line + a log."""

    # ``ctx`` is a Context of the click that typer uses (recent typers vendor their own)
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as e:
            if state.debug or _is_clicks_own(e):
                raise
            err.print(_report(e, _command(ctx)), markup=False)
            raise typer.Exit(1) from None


def log_folder() -> Path:
    """Where the tracebacks of unexpected errors go: ``$TIERSCOPE_HOME/logs``."""
    return tierscope_home() / "logs"


def write_log(e: BaseException, command: str) -> Path:
    """Write the traceback of ``e`` to a new file (mode 0600) in :func:`log_folder`, or in
    the system's temporary folder when that cannot be written; return its path."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    text = (
        f"tierscope {__version__} (Python {sys.version.split()[0]}) at "
        f"{time.strftime('%Y-%m-%dT%H:%M:%S%z')}\n"
        f"command: {command}\nargv: {sys.argv!r}\n\n" + "".join(traceback.format_exception(e))
    )
    failure: OSError | None = None
    for folder in (log_folder(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f"crash-{stamp}-", suffix=".log", dir=folder)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            return Path(name)
        except OSError as oops:
            failure = oops
    assert failure is not None
    raise failure


def _report(e: Exception, command: str) -> str:
    what = " ".join(f"{type(e).__name__}: {e}".split())  # one line, whatever the message
    if len(what) > 300:
        what = what[:299] + "…"
    try:
        where = f"the traceback is in {write_log(e, command)}"
    except OSError as oops:
        where = f"the traceback could not be saved ({oops}); run with --debug to see it"
    return f"Error: {command} failed unexpectedly ({what}); {where}"


def _is_clicks_own(e: Exception) -> bool:
    """An exit, an abort, an error that click shows itself (a usage error...), or a
    closed stdout (``tierscope analyze | head``), which click ends quietly with code 1."""
    return isinstance(e, (typer.Exit, typer.Abort, BrokenPipeError)) or (
        hasattr(e, "exit_code") and callable(getattr(e, "show", None))
    )


def _command(ctx: Any) -> str:
    """``tierscope db start``: the command that failed, however the program was started."""
    names = []
    c = ctx
    while c is not None:
        names.append(c.info_name if c.parent is not None else "tierscope")
        c = c.parent
    names.reverse()
    if ctx.invoked_subcommand:
        names.append(ctx.invoked_subcommand)
    return " ".join(n for n in names if n)
