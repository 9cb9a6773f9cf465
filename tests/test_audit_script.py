"""bin/audit (`make audit`): verdicts on pip-audit's JSON report, without network access."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import subprocess

from bot.config import PROJECT_ROOT


def load_script():
    path = PROJECT_ROOT / "bin" / "audit"
    loader = importlib.machinery.SourceFileLoader("audit_script", str(path))
    spec = importlib.util.spec_from_loader("audit_script", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def finished(returncode: int = 0, stderr: str = "") -> subprocess.CompletedProcess:
    return subprocess.CompletedProcess(args=["pip-audit"], returncode=returncode, stdout="", stderr=stderr)


def test_clean_report(capsys):
    audit = load_script()
    report = {"dependencies": [{"name": "jinja2", "version": "3.1.6", "vulns": []}], "fixes": []}
    assert audit.verdict(finished(), report) == 0
    assert "Keine bekannten Schwachstellen in 1 Paketen" in capsys.readouterr().out


def test_vulnerabilities_are_listed_and_fail(capsys):
    audit = load_script()
    report = {
        "dependencies": [
            {
                "name": "protobuf",
                "version": "4.23.3",
                "vulns": [
                    {"id": "GHSA-8qvm-5x2c-j2w7", "fix_versions": ["4.25.8", "5.29.5"], "aliases": ["CVE-2025-4565"]}
                ],
            },
            {"name": "jinja2", "version": "3.1.6", "vulns": []},
        ]
    }
    assert audit.verdict(finished(1), report) == 1
    out, err = capsys.readouterr()
    assert "protobuf 4.23.3: GHSA-8qvm-5x2c-j2w7 (CVE-2025-4565) – behoben in: 4.25.8, 5.29.5" in out
    assert "1 bekannte Schwachstellen in 1 von 2 Paketen" in err and "SECURITY-DEPENDENCIES.md" in err


def test_unreachable_database_is_not_a_clean_result(capsys):
    audit = load_script()
    # A package index without PyPI's JSON API: pip-audit itself says "No known vulnerabilities".
    skipped = {
        "dependencies": [
            {
                "name": "aiohttp",
                "skip_reason": "Dependency not found on PyPI and could not be audited: aiohttp (3.14.5)",
            },
            {"name": "yarl", "skip_reason": "Dependency not found on PyPI and could not be audited: yarl (1.25.1)"},
        ]
    }
    assert audit.verdict(finished(0), skipped) == 2
    assert "Schwachstellen-Datenbank von pip-audit ist nicht erreichbar" in capsys.readouterr().err
    # No DNS for the OSV API: pip-audit ends with a traceback and no report.
    error = "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev', port=443): Max retries"
    assert audit.verdict(finished(1, error), None) == 2
    assert "nicht erreichbar" in capsys.readouterr().err


def test_partly_skipped_audit_is_incomplete(capsys):
    audit = load_script()
    report = {
        "dependencies": [
            {"name": "jinja2", "version": "3.1.6", "vulns": []},
            {"name": "private-pkg", "skip_reason": "Dependency not found on PyPI and could not be audited"},
        ]
    }
    assert audit.verdict(finished(0), report) == 2
    assert "1 von 2 Paketen konnten nicht geprüft werden" in capsys.readouterr().err
