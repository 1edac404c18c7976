"""Print an HTML page to PDF with headless Chromium (Debian's ``/usr/bin/chromium``).

The page's own ``@page`` rule sets the paper size and margins; Chromium runs
with a fresh profile, no network services and no header or footer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tierscope.graph.errors import TierscopeError

__all__ = ["CHROMIUM", "FLAGS", "PAPERS", "PdfError", "chromium_path", "print_pdf"]

#: paper sizes the report prints on (CSS ``@page`` sizes; here, not in viz/report.py,
#: so that ``tierscope report --help`` names them without importing the report's stack)
PAPERS = {"a4": "A4", "letter": "letter"}

#: where Debian installs Chromium; ``TIERSCOPE_CHROMIUM`` overrides it
CHROMIUM = "/usr/bin/chromium"
#: how tierscope runs it: headless, no sandbox, nothing fetched in the background
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
TIMEOUT_SECONDS = 120.0


class PdfError(TierscopeError):
    """Chromium is missing, or it did not print the PDF."""


def chromium_path() -> str:
    """The Chromium executable to use, or :class:`PdfError` naming what was looked for."""
    wanted = os.environ.get("TIERSCOPE_CHROMIUM") or CHROMIUM
    found = shutil.which(wanted)
    if found is None:
        raise PdfError(
            f"cannot print a PDF: no Chromium executable at {wanted!r} "
            "(install the 'chromium' package, or set TIERSCOPE_CHROMIUM to its path)"
        )
    return found


def print_pdf(html_path: Path, pdf_path: Path, timeout: float = TIMEOUT_SECONDS) -> None:
    """Print the HTML file ``html_path`` to ``pdf_path``; :class:`PdfError` if it fails."""
    exe = chromium_path()
    html = html_path.resolve()
    if not html.is_file():
        raise PdfError(f"cannot print a PDF: no HTML file at {str(html_path)!r}")
    pdf = pdf_path.resolve()
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="tierscope-chromium-") as profile:
        command = [
            exe,
            *FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise PdfError(f"Chromium did not print {pdf_path} within {timeout:g} s") from e
    if done.returncode != 0:
        raise PdfError(
            f"Chromium exited with code {done.returncode} printing {pdf_path}: {_tail(done.stderr)}"
        )
    if not pdf.is_file() or pdf.read_bytes()[:4] != b"%PDF":
        raise PdfError(f"Chromium wrote no PDF to {pdf_path} (exit code 0): {_tail(done.stderr)}")


def _tail(text: str, lines: int = 5) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    return " | ".join(kept) or "no output"
