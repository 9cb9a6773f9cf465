"""Draft membership applications."""
