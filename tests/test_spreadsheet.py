"""CSV cells from user text are read as text by spreadsheets, never as formulas."""

from __future__ import annotations

import pytest

from bot.spreadsheet import safe_cell


@pytest.mark.parametrize(
    "value, expected",
    [
        # Formula starts (OWASP): neutralised with a leading apostrophe.
        ('=HYPERLINK("http://evil.example","Klick")', '\'=HYPERLINK("http://evil.example","Klick")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\tnur Text", "'\tnur Text"),
        # The same after leading blanks, which spreadsheets skip.
        ("  =1+1", "'  =1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("\u00a0@SUM(A1)", "'\u00a0@SUM(A1)"),
        ("\ufeff\u200b=1+1", "'\ufeff\u200b=1+1"),
        # Ordinary text, also with formula characters further in.
        ("Cluster Nord", "Cluster Nord"),
        ("Anna Muster-Schmidt", "Anna Muster-Schmidt"),
        ("a=b", "a=b"),
        ("anna@example.org", "anna@example.org"),
        ("'=schon Text", "'=schon Text"),
        ("", ""),
        ("   ", "   "),
        # Plain signed numbers are their own value as a formula: they stay numbers.
        ("-5", "-5"),
        ("+4930123456", "+4930123456"),
        ("-3,5", "-3,5"),
        ("+49 30 1234567", "'+49 30 1234567"),
        ("-1e9", "'-1e9"),
        # Values that are not text pass unchanged; other objects are written as text.
        (None, None),
        (120, 120),
        (-4, -4),
        (2.5, 2.5),
        (True, True),
        (["=1+1"], "['=1+1']"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected
