"""Generated nonsense: messages that carry no question a person could have meant.

`generate(seed, count)` returns `count` messages of many kinds in equal shares, the same for the
same seed. The nonsense check in rasa_ext/nlu.py was developed against DEVELOPMENT_SEED only;
tests/test_nlu.py reports on REPORT_SEED, whose messages were never looked at while developing.

Nothing here lists the strings testers sent: every kind is built from character classes, keyboard
rows, Unicode ranges and templates with random parts.
"""

from __future__ import annotations

import random
from typing import Callable, Dict, List, Tuple

DEVELOPMENT_SEED = 7
REPORT_SEED = 20261130

# German keyboard rows (QWERTZ), for runs of neighbouring keys.
KEYBOARD_ROWS = ("1234567890ß", "qwertzuiopü", "asdfghjklöä", "yxcvbnm")
CONSONANTS = "bcdfghjklmnpqrstvwxz"
# Unicode blocks of scripts and symbols the bot cannot read (start, end inclusive).
SCRIPTS = {
    "cyrillic": (0x0410, 0x044F),
    "greek": (0x03B1, 0x03C9),
    "arabic": (0x0627, 0x064A),
    "hebrew": (0x05D0, 0x05EA),
    "devanagari": (0x0905, 0x0939),
    "thai": (0x0E01, 0x0E2E),
    "cjk": (0x4E00, 0x4FFF),
    "hangul": (0xAC00, 0xAD00),
    "latin_extended": (0x0100, 0x017F),
    "ipa": (0x0250, 0x02AF),
    "math_operators": (0x2200, 0x22FF),
    "box_drawing": (0x2500, 0x257F),
    "runic": (0x16A0, 0x16EA),
}
ENCLOSED_NUMBERS = [
    (0x2460, 0x249B),  # circled, parenthesized and full-stop numbers ①…⒛
    (0x24EA, 0x24FF),  # more circled numbers ⓪ ⓫…⓿
    (0x2776, 0x2793),  # dingbat circled digits ❶…➓
    (0x2150, 0x2182),  # vulgar fractions and Roman numerals ⅓ Ⅻ
    (0xFF10, 0xFF19),  # fullwidth digits ０…９
    (0x1D7CE, 0x1D7FF),  # mathematical digits 𝟎…𝟿
]
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉"
EMOJI = [(0x1F600, 0x1F64F), (0x1F300, 0x1F5FF), (0x1F680, 0x1F6FF), (0x1F900, 0x1F9FF), (0x2600, 0x26FF)]
PUNCTUATION = "!?.,;:-_+*#'~^°\"§$%&/()=[]{}<>|@\\`´"
FORMULA_TEMPLATES = (
    "={f}({a}+{b})*cmd|' /C calc'!A0",
    "=cmd|' /C {cmd}'!A{a}",
    "@SUM({a}+{b})*cmd|{cmd}",
    "-{a}+{b}+cmd|{cmd}",
    "+{a}-{b}+cmd|' /C {cmd}'!{cell}",
    "={f}({cell}:{cell2})",
    "={cell}*{cell2}+{a}",
    '=HYPERLINK("http://{host}/{a}","{cell}")',
    '=DDE("cmd";"/C {cmd}";"__{a}")',
    "{{{{{a}*{b}}}}}",
    "${{{a}*{b}}}",
    "$({cmd} -{flag})",
    "%{a}{b}%{cell}",
    "{a}' OR '{b}'='{b}",
    "../../{path}/{cmd}",
    "\\x{a}{b}\\x{b}{a}",
    "0x{hex}{hex2}",
    "{a}{op}{b}{op}{cell}",
)
FORMULA_PARTS = {
    "f": ("SUM", "AVG", "IF", "VLOOKUP", "CONCAT", "MAX", "CMD", "EXEC"),
    "cmd": ("calc", "calc.exe", "notepad", "powershell", "sh", "bash", "cmd", "whoami", "nc"),
    "path": ("etc", "var", "tmp", "bin", "usr", "win"),
    "flag": ("rf", "la", "x", "e", "c"),
    "host": ("x.y", "a.b", "127.0.0.1", "0.0.0.0", "evil.tld"),
    "op": ("+", "-", "*", "/", "^", "|", "&"),
}


def _chars(rng: random.Random, ranges, count: int) -> str:
    out = []
    for _ in range(count):
        start, end = rng.choice(ranges)
        out.append(chr(rng.randint(start, end)))
    return "".join(out)


def _spaced(rng: random.Random, parts: List[str]) -> str:
    return "".join(p + (rng.choice((" ", " ", "", "  ")) if i < len(parts) - 1 else "") for i, p in enumerate(parts))


def digit_runs(rng: random.Random) -> str:
    groups = [str(rng.randint(0, 10 ** rng.randint(1, 7))) for _ in range(rng.randint(1, 5))]
    separator = rng.choice((" ", " ", ",", ".", "-", "/", ":", " + ", "  "))
    return separator.join(groups)


def enclosed_numbers(rng: random.Random) -> str:
    text = _chars(rng, ENCLOSED_NUMBERS, rng.randint(1, 6))
    if rng.random() < 0.3:
        text += "".join(rng.choice(SUPERSCRIPTS) for _ in range(rng.randint(1, 3)))
    if rng.random() < 0.3:
        text = _spaced(rng, list(text))
    return text


def formula(rng: random.Random) -> str:
    template = rng.choice(FORMULA_TEMPLATES)
    values = {name: rng.choice(options) for name, options in FORMULA_PARTS.items()}
    column = lambda: rng.choice("ABCDEFGHXYZ")  # noqa: E731
    values.update(
        a=rng.randint(0, 99),
        b=rng.randint(0, 99),
        cell=f"{column()}{rng.randint(0, 99)}",
        cell2=f"{column()}{rng.randint(0, 99)}",
        hex=f"{rng.randint(0, 255):02x}",
        hex2=f"{rng.randint(0, 255):02X}",
    )
    return template.format(**values)


def letter_runs(rng: random.Random) -> str:
    letter = rng.choice("abcdefghijklmnopqrstuvwxyzäöüß")
    run = letter * rng.randint(3, 40)
    if rng.random() < 0.25:
        run = run.upper()
    if rng.random() < 0.25:
        run += rng.choice("!?.")
    return run


def keyboard_mash(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(1, 4)):
        if rng.random() < 0.6:  # neighbouring keys of one row, forwards or backwards
            row = rng.choice(KEYBOARD_ROWS[1:])
            start = rng.randint(0, len(row) - 3)
            word = row[start : start + rng.randint(3, len(row) - start)]
            word = word[::-1] if rng.random() < 0.3 else word
        else:  # consonant clusters with the odd vowel
            word = "".join(
                rng.choice(CONSONANTS) if rng.random() < 0.85 else rng.choice("aeiou") for _ in range(rng.randint(3, 9))
            )
        words.append(word)
    return _spaced(rng, words)


def foreign_scripts(rng: random.Random) -> str:
    scripts = rng.sample(sorted(SCRIPTS), rng.randint(1, 3))
    parts = [_chars(rng, [SCRIPTS[s]], rng.randint(1, 8)) for s in scripts for _ in range(rng.randint(1, 2))]
    return _spaced(rng, parts)


def emoji_mix(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(2, 5)):
        kind = rng.random()
        if kind < 0.5:
            parts.append(_chars(rng, EMOJI, rng.randint(1, 3)))
        elif kind < 0.7:
            parts.append("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 4))))
        elif kind < 0.85:
            parts.append(str(rng.randint(0, 999)))
        else:
            parts.append("".join(rng.choice(PUNCTUATION) for _ in range(rng.randint(1, 3))))
    return _spaced(rng, parts)


def punctuation_runs(rng: random.Random) -> str:
    run = "".join(rng.choice(PUNCTUATION) for _ in range(rng.randint(1, 15)))
    if rng.random() < 0.4:  # with a stray letter or digit
        position = rng.randint(0, len(run))
        run = run[:position] + rng.choice("abcxyz0123456789") + run[position:]
    return run


def random_ascii(rng: random.Random) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    parts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(2, 10))) for _ in range(rng.randint(1, 3))]
    return rng.choice(("-", " ", "_", "")).join(parts)


def random_unicode(rng: random.Random) -> str:
    """Any printable character from the Basic Multilingual Plane, as a fuzzer would send."""
    out = []
    while len(out) < rng.randint(2, 25):
        ch = chr(rng.randint(0x21, 0xFFEF))
        if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(ch if rng.random() < 0.85 else " ")
    return "".join(out).strip() or "\u2603"


def mixed(rng: random.Random) -> str:
    makers = [
        digit_runs,
        enclosed_numbers,
        formula,
        letter_runs,
        keyboard_mash,
        foreign_scripts,
        emoji_mix,
        punctuation_runs,
        random_ascii,
    ]
    return _spaced(rng, [maker(rng) for maker in rng.sample(makers, rng.randint(2, 3))])


KINDS: Dict[str, Callable[[random.Random], str]] = {
    "digit_runs": digit_runs,
    "enclosed_numbers": enclosed_numbers,
    "formula": formula,
    "letter_runs": letter_runs,
    "keyboard_mash": keyboard_mash,
    "foreign_scripts": foreign_scripts,
    "emoji_mix": emoji_mix,
    "punctuation_runs": punctuation_runs,
    "random_ascii": random_ascii,
    "random_unicode": random_unicode,
    "mixed": mixed,
}


def generate(seed: int, count: int = 550) -> List[Tuple[str, str]]:
    """`count` (kind, message) pairs, the kinds in turn; the same seed gives the same messages."""
    rng = random.Random(seed)
    kinds = list(KINDS.items())
    return [(name, maker(rng)) for name, maker in (kinds[i % len(kinds)] for i in range(count))]
