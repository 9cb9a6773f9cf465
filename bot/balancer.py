"""The scale-out topology on one machine: which servers run on which loopback port, and the
balancer's configuration (HAProxy, from deploy/haproxy.cfg.template) in front of them.

`python -m bot serve` starts what `Topology` lists; nothing here starts processes.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from bot.config import PROJECT_ROOT, Settings

TEMPLATE = PROJECT_ROOT / "deploy" / "haproxy.cfg.template"
CONFIG_FILE = "haproxy.cfg"  # in var/, written on every start
HEALTH_PATH = "/balancer/health"
ACTIONS_HEALTH_PATH = "/actions/health"  # the internal door's way to an action server's /health
_PLACEHOLDER = re.compile(r"\$\{([a-z_]+)\}")
UNPRIVILEGED_ID = 65534  # nobody / nogroup on Debian


@dataclass(frozen=True)
class Instance:
    """One server process: its name, the variables that make it this one, where it answers."""

    kind: str  # rasa | actions | web
    name: str  # "rasa" alone, "rasa-2" in a cluster
    node: str  # name in the balancer: "rasa2"
    port: int
    env: Tuple[Tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Topology:
    rasa: Tuple[Instance, ...]
    actions: Tuple[Instance, ...]
    web: Tuple[Instance, ...]
    balancer: bool

    @property
    def instances(self) -> Tuple[Instance, ...]:
        return self.actions + self.rasa + self.web


def topology(config: Settings) -> Topology:
    """Without the balancer one server of each kind, on the configured ports (as always). With it,
    N/M/K servers on consecutive loopback ports from RASA_PORT, ACTIONS_PORT and WEB_PORT."""
    if not config.balancer:
        return Topology(
            (Instance("rasa", "rasa", "rasa", config.rasa_port),),
            (Instance("actions", "actions", "actions", config.actions_port),),
            (Instance("web", "web", "web", config.web_port),),
            False,
        )

    def many(kind: str, count: int, base: int, port_variable: str) -> Tuple[Instance, ...]:
        result = []
        for number in range(1, count + 1):
            port = base + number - 1
            env = [(port_variable, str(port))]
            if kind == "rasa":
                env.append(("RASA_NODE", f"rasa{number}"))
            result.append(Instance(kind, f"{kind}-{number}", f"{kind}{number}", port, tuple(env)))
        return tuple(result)

    return Topology(
        many("rasa", config.rasa_servers, config.rasa_port, "RASA_PORT"),
        many("actions", config.action_servers, config.actions_port, "ACTIONS_PORT"),
        many("web", config.web_servers, config.web_port, "WEB_PORT"),
        True,
    )


def _servers(instances: Tuple[Instance, ...], how: str = "check") -> str:
    return "\n".join(f"    server {i.node} 127.0.0.1:{i.port} {how}" for i in instances)


def render(config: Settings, layout: Topology, run_as: Optional[int] = None) -> str:
    """The balancer's configuration. `run_as`: the unprivileged id HAProxy switches to after binding
    (when started by root), None to stay the user who starts it."""
    values: Dict[str, str] = {
        "run_as": (
            f"    uid {run_as}\n    gid {run_as}" if run_as is not None else "    # läuft als der startende Benutzer"
        ),
        "public_bind": f"{_bind_address(config.balancer_host)}:{config.balancer_port}",
        "internal_port": str(config.balancer_internal_port),
        "hotline_networks": " ".join(config.hotline_networks),
        "rasa_sticky_rules": "\n".join(
            f"    use-server {i.node} if {{ url_param(sid) -m beg {i.node}. }}" for i in layout.rasa
        ),
        "rasa_socketio_servers": "\n".join(
            f"    server {i.node} 127.0.0.1:{i.port} track rasa/{i.node}" for i in layout.rasa
        ),
        "rasa_servers": _servers(layout.rasa),
        "action_servers": _servers(layout.actions),
        "web_servers": _servers(layout.web),
    }
    template = TEMPLATE.read_text("utf-8")
    missing = set(_PLACEHOLDER.findall(template)) - set(values)
    if missing:
        raise ValueError(f"unknown placeholders in {TEMPLATE.name}: {sorted(missing)}")
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def _bind_address(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def write_config(config: Settings, layout: Topology) -> Path:
    """var/haproxy.cfg (mode 0600, written whole). Started by root, HAProxy gives up root after binding."""
    path = config.var_dir / CONFIG_FILE
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = render(config, layout, UNPRIVILEGED_ID if os.geteuid() == 0 else None)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".haproxy-")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return path


def haproxy_binary() -> Optional[str]:
    return shutil.which("haproxy") or next((p for p in ("/usr/sbin/haproxy",) if os.access(p, os.X_OK)), None)


def command(config_file: Path) -> List[str]:
    """HAProxy in the foreground (-db), so that the supervisor sees it exit and restarts it."""
    return [haproxy_binary() or "haproxy", "-db", "-f", str(config_file)]
