"""CSV cells that a spreadsheet reads as text, never as a formula (OWASP "CSV Injection").

Every CSV export of user text goes through `safe_cell`: a name like `=HYPERLINK("http://…")`
would otherwise run when the team opens the file in Excel or LibreOffice. Separators, quotes and
line breaks inside a cell are the csv module's job (it quotes such cells).
"""

from __future__ import annotations

import re

# Characters that make a spreadsheet read a cell as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Some programs trim cells when they import them, so a formula start after blanks counts too;
# invisible characters count as blanks as a precaution (nobody reading the file sees them either).
_LEADING_BLANKS = " \t\r\n\f\v\u00a0\u2007\u202f\u200b\u200c\u200d\u2060\ufeff"
# A signed number is harmless as a formula (it is its own value) and stays a number.
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def safe_cell(value: object) -> object:
    """The value to write into a CSV cell: text that would start a formula gets a leading "'"."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = str(value)
    if _NUMBER.match(text):
        return text
    if text.startswith(FORMULA_STARTS) or text.lstrip(_LEADING_BLANKS).startswith(FORMULA_STARTS):
        return "'" + text
    return text
