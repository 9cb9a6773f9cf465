"""Configuration from the environment, with defaults that make `make run` work without setup."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Tuple

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@dataclass(frozen=True)
class Settings:
    content_dir: Path
    var_dir: Path
    database_url: str
    tracker_database_url: str
    timezone: str
    rasa_url: str
    rasa_port: int
    actions_port: int
    rasa_api_token: str
    endpoints_file: Path
    web_host: str
    web_port: int
    public_url: str
    privacy_url: str
    cors_origins: Tuple[str, ...]


@lru_cache(maxsize=1)
def settings() -> Settings:
    var_dir = Path(_env("GOCLUSTER_VAR_DIR", str(PROJECT_ROOT / "var")))
    web_port = int(_env("WEB_PORT", "8080"))
    rasa_port = int(_env("RASA_PORT", "5005"))
    public_url = _env("PUBLIC_BASE_URL", f"http://localhost:{web_port}").rstrip("/")
    return Settings(
        content_dir=Path(_env("GOCLUSTER_CONTENT_DIR", str(PROJECT_ROOT / "content"))),
        var_dir=var_dir,
        database_url=_env("DATABASE_URL", _sqlite_url(var_dir / "gocluster.db")),
        tracker_database_url=_env("TRACKER_DATABASE_URL", _sqlite_url(var_dir / "tracker.db")),
        timezone=_env("GOCLUSTER_TIMEZONE", "Europe/Berlin"),
        rasa_url=_env("RASA_URL", f"http://localhost:{rasa_port}"),
        rasa_port=rasa_port,
        actions_port=int(_env("ACTIONS_PORT", "5055")),
        # The Rasa HTTP API (model upload, tracker access) stays off unless a token is set.
        rasa_api_token=_env("RASA_API_TOKEN", ""),
        endpoints_file=Path(_env("ENDPOINTS_FILE", str(PROJECT_ROOT / "endpoints.yml"))),
        web_host=_env("WEB_HOST", "127.0.0.1"),
        web_port=web_port,
        # Where users reach the web server (links to calendar files and the privacy notice).
        public_url=public_url,
        privacy_url=_env("PRIVACY_URL", f"{public_url}/datenschutz"),
        cors_origins=tuple(
            o.strip()
            for o in _env("CORS_ORIGINS", f"http://localhost:{web_port},http://127.0.0.1:{web_port}").split(",")
            if o.strip()
        ),
    )
