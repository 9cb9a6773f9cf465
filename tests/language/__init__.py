"""Tests of the German language toolkit (bot/language)."""
