"""The mandatory consultation: calendar rules, bookings, references, calendar files."""

from __future__ import annotations
