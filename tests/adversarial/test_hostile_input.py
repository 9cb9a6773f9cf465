"""Hostile input at the pure-function level: every function that looks at raw user text takes
time linear in its length, whatever the text.

Linearity is shown as a ratio inside one run (1 MB against 100 KB of the same pattern), never
as an absolute time: a linear function needs about 10x as long, a quadratic one about 100x.
"""

from __future__ import annotations

import time

import pytest

from bot import textguard

KB = 1024
# Pattern name -> one repetition unit. Chosen to hit backtracking and re-scanning: unclosed
# script tags, tags without their ">", nested tags, spaces between "<" and "/", escape sequences
# without their final byte, entity-encoded tags, deep JSON nesting, long words, separators, emoji.
ADVERSARIAL_UNITS = {
    "unclosed_script": "<script",
    "script_open_only": "<script>",
    "style_in_script": "<script><style>",
    "unclosed_tag": "<a href='x' ",
    "nested_tags": "<div><span><b>",
    "lt_spaces": "< / ",
    "lt_only": "<",
    "ansi_unfinished": "\x1b[0;0;0",
    "entity_tags": "&lt;script&gt;",
    "json_nesting": "[",
    "json_objects": '{"a":',
    "long_word": "x",
    "separators": "-_.,;:!?",
    "emoji": "😀🙈",
    "zero_width": "a\u200b\u202e",
    "newlines": "\n\r\t",
}
RATIO_BOUND = 30  # linear: ~10; quadratic: ~100


def _per_call(function, text: str, repeats: int) -> float:
    started = time.perf_counter()
    for _ in range(repeats):
        function(text)
    return (time.perf_counter() - started) / repeats


def linear_ratio(function, small: str, large: str, trials: int = 4) -> "tuple[float, float]":
    """Seconds per call for the small and the large input, each the best of `trials` that
    alternate between the two, so that a busy moment of the machine (other processes on its two
    cores) cannot fall on one size only. Fast calls are repeated until a trial takes ~20 ms."""
    started = time.perf_counter()
    function(small)
    repeats = max(1, min(1000, int(0.02 / max(time.perf_counter() - started, 1e-6))))
    best_small = best_large = float("inf")
    for _ in range(trials):
        best_small = min(best_small, _per_call(function, small, repeats))
        best_large = min(best_large, _per_call(function, large, max(1, repeats // 10)))
    return best_small, best_large


def _text(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


TEXT_FUNCTIONS = {
    "strip_markup": textguard.strip_markup,
    "strip_control_chars": textguard.strip_control_chars,
    "looks_like_json": textguard.looks_like_json,
    "clean_text_uncut": lambda text: textguard.clean_text(text, limit=len(text)),
}


@pytest.mark.parametrize("function_name", sorted(TEXT_FUNCTIONS))
@pytest.mark.parametrize("pattern", sorted(ADVERSARIAL_UNITS))
def test_text_guard_is_linear_in_the_input(function_name, pattern):
    unit = ADVERSARIAL_UNITS[pattern]
    small, large = linear_ratio(TEXT_FUNCTIONS[function_name], _text(unit, 100 * KB), _text(unit, 1000 * KB))
    message = f"{function_name} on {pattern}: {small:.6f}s -> {large:.6f}s"
    assert large / small < RATIO_BOUND, message


@pytest.mark.parametrize("pattern", sorted(ADVERSARIAL_UNITS))
def test_a_megabyte_is_cut_before_it_is_cleaned(pattern):
    text = _text(ADVERSARIAL_UNITS[pattern], 1000 * KB)
    assert len(textguard.cut(text)) == textguard.MAX_MESSAGE_CHARS + 1
    assert textguard.input_problem(text) == textguard.TOO_LONG
    assert len(textguard.clean_text(text)) <= textguard.MAX_MESSAGE_CHARS


def test_deeply_nested_json_is_not_an_error():
    assert textguard.looks_like_json("[" * 100_000) is False
    assert textguard.input_problem("[" * 900) == textguard.NO_LETTERS
