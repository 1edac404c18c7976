"""The plain-text blocks of cli/blocks.py on hand-made findings: layout, and text from
the data that must not break a line or reach the reader's terminal as a command."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from tierscope.cli import blocks
from tierscope.cli.common import cell
from tierscope.graph.analysis.register import Finding, Told

HOSTILE = "Evil\x1b[31m Co\nLtd\tGmbH\u2028[bold]x[/bold] :fire:"


def finding(rank: int, sentence: str, **kw: object) -> Finding:
    values: dict[str, object] = {
        "kind": "single_point_of_failure",
        "severity": "critical",
        "subject_id": "S",
        "subject_type": "company",
        "revenue_at_stake": 1234.5,
        "products": ("P1", "P2"),
    }
    values.update(kw)
    return Finding(told=Told(sentence, {}), rank=rank, **values)  # type: ignore[arg-type]


def test_control_characters_are_shown_escaped_and_the_rest_is_kept() -> None:
    assert blocks.printable(HOSTILE) == (
        "Evil\\x1b[31m Co\\nLtd\\tGmbH\\u2028[bold]x[/bold] :fire:"
    )
    assert blocks.printable("Shenzhen 华芯 · شركة الخليج 🚚") == "Shenzhen 华芯 · شركة الخليج 🚚"


def test_a_finding_block_keeps_its_sentence_on_one_inert_line() -> None:
    (block,) = blocks.finding_blocks([finding(7, f"{HOSTILE} alone stops P1, P2.")])
    assert block.splitlines() == [
        "7. critical · single point of failure · S (company) · at stake 1,234",
        "   Evil\\x1b[31m Co\\nLtd\\tGmbH\\u2028[bold]x[/bold] :fire: alone stops P1, P2.",
        "   stops: P1, P2",
    ]


def test_ranks_align_and_unknown_values_are_left_out() -> None:
    shown = blocks.finding_blocks(
        [
            finding(9, "Nine."),
            finding(
                10,
                "Ten.",
                kind="hidden_concentration",
                severity="high",
                subject_id="CN",
                subject_type="country",
                products=("P1",),
            ),
            finding(11, "Eleven.", severity="low", revenue_at_stake=None, products=()),
        ]
    )
    assert blocks.text("Title", shown, "… more") == (
        "Title\n"
        "\n"
        " 9. critical · single point of failure · S (company) · at stake 1,234\n"
        "    Nine.\n"
        "    stops: P1, P2\n"
        "\n"
        "10. high · hidden concentration · CN (country) · at stake 1,234\n"
        "    Ten.\n"
        "    products: P1\n"
        "\n"
        "11. low · single point of failure · S (company)\n"
        "    Eleven.\n"
        "\n"
        "… more"
    )
    assert blocks.text("Title", [], None) == "Title"


def test_key_values_align_the_values() -> None:
    assert blocks.key_values(
        HOSTILE, [("Companies", "6"), ("  by tier", "tier 1: 2"), ("Empty", "")]
    ) == (
        "Evil\\x1b[31m Co\\nLtd\\tGmbH\\u2028[bold]x[/bold] :fire:\n"
        "Companies  6\n"
        "  by tier  tier 1: 2\n"
        "Empty"
    )


def test_a_table_cell_shows_hostile_text_as_it_is_written() -> None:
    out = io.StringIO()
    screen = Console(file=out, force_terminal=True, width=200, emoji=False)
    t = Table(title=cell(HOSTILE), show_header=False, box=None)
    t.add_column("name")
    t.add_row(cell(HOSTILE))
    screen.print(t)
    text = out.getvalue()
    assert "\x1b[31m" not in text
    visible = "Evil\\x1b[31m Co\\nLtd\\tGmbH\\u2028[bold]x[/bold] :fire:"
    assert text.count(visible) == 2, text
