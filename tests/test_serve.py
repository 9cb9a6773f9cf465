"""`python -m bot serve`: the topology it starts, the balancer's configuration, and the supervisor
that brings crashed services back (fast, with stand-in services; tests/test_cluster.py does it
with the real ones)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from bot import balancer
from bot.cli.serve import Service, Supervisor, _cluster_problem, services
from bot.config import ConfigError, load_settings

CLUSTER = {
    "RASA_SERVERS": "2",
    "ACTION_SERVERS": "3",
    "WEB_SERVERS": "2",
    "LOCK_STORE_URL": "redis://127.0.0.1:6379/0",
    "DATABASE_URL": "postgresql://u@127.0.0.1/app",
    "TRACKER_DATABASE_URL": "postgresql://u@127.0.0.1/tracker",
}


def test_one_of_each_without_balancer_stays_the_default():
    config = load_settings({})
    assert not config.balancer and config.lock_store_url == "" and config.proxies_count == 0
    assert config.rasa_url == "http://localhost:5005" and config.actions_url == "http://127.0.0.1:5055/webhook"
    layout = balancer.topology(config)
    assert [i.name for i in layout.instances] == ["actions", "rasa", "web"]
    assert all(i.env == () for i in layout.instances)


def test_several_servers_sit_behind_the_balancer():
    config = load_settings(CLUSTER)
    assert config.balancer and config.proxies_count == 1
    # The browser reaches pages and Rasa through the balancer; Rasa reaches the action servers there too.
    assert config.public_url == config.rasa_url == "http://localhost:8000"
    assert config.cors_origins == ("http://localhost:8000", "http://127.0.0.1:8000")
    assert config.actions_url == "http://127.0.0.1:8001/webhook"
    layout = balancer.topology(config)
    assert [(i.name, i.port) for i in layout.instances] == [
        ("actions-1", 5055),
        ("actions-2", 5056),
        ("actions-3", 5057),
        ("rasa-1", 5005),
        ("rasa-2", 5006),
        ("web-1", 8080),
        ("web-2", 8081),
    ]
    assert dict(layout.rasa[1].env) == {"RASA_PORT": "5006", "RASA_NODE": "rasa2"}


def test_services_of_the_cluster_end_with_the_balancer(configure, tmp_path):
    configure(**CLUSTER, GOCLUSTER_VAR_DIR=str(tmp_path))
    running = services("model.tar.gz")
    assert [s.name for s in running][-1] == "balancer"
    assert running[-1].health_url == "http://127.0.0.1:8001/balancer/health"
    assert running[-1].command[1:] == ["-db", "-f", str(tmp_path / "haproxy.cfg")]
    rasa = next(s for s in running if s.name == "rasa-2")
    assert rasa.health_url == "http://127.0.0.1:5006/" and rasa.env["RASA_NODE"] == "rasa2"


@pytest.mark.parametrize(
    "env, message",
    [
        ({"RASA_SERVERS": "2"}, "LOCK_STORE_URL"),
        ({"RASA_SERVERS": "17"}, "RASA_SERVERS"),
        ({"RASA_NODE": "Rasa-1"}, "RASA_NODE"),
        ({"HOTLINE_NETWORKS": "irgendwo"}, "HOTLINE_NETWORKS"),
        ({"LOCK_STORE_URL": "http://127.0.0.1:6379"}, "LOCK_STORE_URL"),
    ],
)
def test_wrong_cluster_settings_stop_the_start_in_german(env, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(env)


def test_several_servers_need_postgresql():
    config = load_settings({**CLUSTER, "DATABASE_URL": "sqlite:///x.db"})
    assert "DATABASE_URL" in _cluster_problem(config) and "PostgreSQL" in _cluster_problem(config)
    assert _cluster_problem(load_settings({})) is None


def test_the_balancer_configuration_is_valid_haproxy(tmp_path):
    binary = balancer.haproxy_binary()
    if binary is None:
        pytest.fail("HAProxy is missing: run the tests with `make test` (bin/test-services installs it)")
    config = load_settings({**CLUSTER, "GOCLUSTER_VAR_DIR": str(tmp_path), "HOTLINE_NETWORKS": "10.0.0.0/8,::1"})
    layout = balancer.topology(config)
    text = balancer.render(config, layout, run_as=65534)
    assert "${" not in text.replace("${…}", "")
    for line in (
        "use-server rasa2 if { url_param(sid) -m beg rasa2. }",
        "server actions3 127.0.0.1:5057 check",
        "bind 127.0.0.1:8001",
        "bind 0.0.0.0:8000",
        "!{ src 10.0.0.0/8 ::1 }",
        "uid 65534",
    ):
        assert line in text, line
    path = tmp_path / "haproxy.cfg"
    path.write_text(text, "utf-8")
    checked = subprocess.run([binary, "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_balancer_configuration_is_private(tmp_path):
    config = load_settings({**CLUSTER, "GOCLUSTER_VAR_DIR": str(tmp_path)})
    path = balancer.write_config(config, balancer.topology(config))
    assert path == tmp_path / "haproxy.cfg" and (path.stat().st_mode & 0o777) == 0o600


# --- supervisor --------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _until(condition, supervisor: Supervisor, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        supervisor.step()
        time.sleep(0.1)


def test_a_crashed_service_is_restarted_with_back_off_and_reported(tmp_path, capsys):
    port = _free_port()
    service = Service(
        "stand-in", [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"], f"http://127.0.0.1:{port}/"
    )
    supervisor = Supervisor([service], tmp_path, dict(os.environ), tmp_path / "serve.json")
    supervisor.start_all()
    try:
        _until(service.healthy, supervisor)
        first = service.process.pid
        os.kill(first, signal.SIGKILL)
        _until(lambda: service.restarts == 1 and service.healthy() and not service.recovering, supervisor)
        assert service.process.pid != first
        # Crashing again right away: the next restart waits twice as long.
        os.kill(service.process.pid, signal.SIGKILL)
        _until(lambda: service.restart_at is not None, supervisor)
        assert service.failures == 2 and 1.5 < service.restart_at - time.monotonic() <= 2.0
        _until(lambda: service.restarts == 2 and service.healthy(), supervisor)
    finally:
        supervisor.stop_all()
    log = (tmp_path / "serve.log").read_text("utf-8")
    assert "Dienst 'stand-in' ist ausgefallen (Exit-Code -9); Neustart in 1 s" in log
    assert "Neustart in 2 s (Fehlschlag 2 in Folge)" in log
    assert "Dienst 'stand-in' neu gestartet (Neustart Nr. 1)" in log
    assert "Dienst 'stand-in' ist wieder bereit" in log
    assert "ist ausgefallen" in capsys.readouterr().err  # and on the operator's console
    assert '"restarts": 2' in (tmp_path / "serve.json").read_text("utf-8")


def test_back_off_grows_to_a_minute_and_starts_over_when_stable():
    service = Service("x", ["true"], "http://127.0.0.1:1/")
    delays = []
    for failures in range(1, 10):
        service.failures = failures
        delays.append(Supervisor.backoff(service))
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60, 60]


# --- deploy/ -------------------------------------------------------------------------------------
def test_the_systemd_unit_runs_the_one_command_without_secrets():
    import shlex

    from bot.cli import build_parser
    from bot.config import PROJECT_ROOT

    unit = (PROJECT_ROOT / "deploy" / "gocluster.service").read_text("utf-8")
    start = next(line.split("=", 1)[1] for line in unit.splitlines() if line.startswith("ExecStart="))
    words = shlex.split(start)
    assert words[1:3] == ["-m", "bot"]
    args = build_parser().parse_args(words[3:])
    assert args.command == "serve"
    assert "EnvironmentFile=" in unit and "User=gocluster" in unit
    assert not any(secret in start for secret in ("postgresql://", "redis://", "SECRET"))


def test_the_environment_example_names_only_real_variables():
    import re

    from bot.config import PROJECT_ROOT

    example = (PROJECT_ROOT / "deploy" / "gocluster.env.example").read_text("utf-8")
    names = re.findall(r"^([A-Z][A-Z0-9_]+)=", example, flags=re.M)
    source = (PROJECT_ROOT / "bot" / "config.py").read_text("utf-8")
    assert names and all(f'"{name}"' in source for name in names), names
    settings = load_settings(dict(re.findall(r"^([A-Z][A-Z0-9_]+)=(.*)$", example, flags=re.M)))
    assert settings.balancer and settings.rasa_servers == 2 and settings.proxies_count == 2
