"""bin/pip-check: `pip check` with only the documented conflict allowed."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import re
import subprocess
import sys

from bot.config import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "bin" / "pip-check"


def load_script():
    loader = importlib.machinery.SourceFileLoader("pip_check", str(SCRIPT))
    spec = importlib.util.spec_from_loader("pip_check", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_only_the_documented_lines_pass():
    pip_check = load_script()
    allowed = next(iter(pip_check.ALLOWED))
    assert pip_check.unexpected(["No broken requirements found."]) == []
    assert pip_check.unexpected([allowed, ""]) == []
    other_version = allowed.replace("3.14.5", "3.14.6")
    assert pip_check.unexpected([allowed, other_version]) == [other_version]
    assert pip_check.unexpected(["sanic 21.12.2 has requirement multidict<6.0,>=5.0, but you have multidict 6.1.0."])


def test_the_allowed_conflict_is_the_pinned_override():
    pip_check = load_script()
    overrides = (PROJECT_ROOT / "overrides.txt").read_text("utf-8")
    aiohttp = re.search(r"^aiohttp==(\S+)$", overrides, re.M).group(1)
    assert pip_check.ALLOWED == {f"rasa 3.6.21 has requirement aiohttp<3.10,>=3.9.0, but you have aiohttp {aiohttp}."}
    assert f"aiohttp {aiohttp}." in overrides  # the comment quotes the same line


def test_this_environment_passes():
    result = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
