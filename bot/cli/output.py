"""Writing staff exports to a file or the terminal."""

from __future__ import annotations

import sys
from typing import Callable, Iterable, Optional, TextIO, TypeVar

T = TypeVar("T")


def export(writer: Callable[[Iterable[T], TextIO], int], items: Iterable[T], path: Optional[str], noun: str) -> int:
    """Write `items` with `writer` to `path` (reporting the count) or to standard output."""
    if not path:
        return writer(items, sys.stdout)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        count = writer(items, handle)
    print(f"{count} {noun} nach {path} exportiert")
    return count
