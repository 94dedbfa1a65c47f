"""The processes a load run talks to: app instances under gunicorn and, for
several instances, nginx in front of them (deploy/nginx.conf).

Both are started through bench/harness.py, the server harness of every
measurement: on 127.0.0.1, each in its own process group, so ``stop_all()``
stops exactly what was started. gunicorn is started with ``gunicorn.conf.py``
when the repository has one (settings from the environment: HOST, PORT,
DEKOMP_DB, DEKOMP_WORKERS, DEKOMP_THREADS), else with the same settings as
flags.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import (
    ROOT,
    Gunicorn,
    children,
    free_port,
    spawn,
    stop,
    wait_ready,
)

# The app's code: this checkout, or $LOAD_APP_ROOT (e.g. a `git worktree` of a
# commit, so that a measurement serves committed code only).
APP_ROOT = Path(os.environ.get("LOAD_APP_ROOT") or ROOT).resolve()
GUNICORN_CONF = APP_ROOT / "gunicorn.conf.py"
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf"


def uses_gunicorn_conf() -> bool:
    """gunicorn.conf.py once it is part of the repository (committed), so a
    half-written one in a working tree is not picked up."""
    if not GUNICORN_CONF.exists():
        return False
    tracked = subprocess.run(
        ["git", "ls-files", "--error-unmatch", GUNICORN_CONF.name],
        cwd=APP_ROOT,
        capture_output=True,
    )
    # Outside a git checkout (an unpacked release) the file counts as it is.
    return tracked.returncode == 0 or not (APP_ROOT / ".git").exists()


def app_commit() -> str | None:
    """The commit the served code is at, with ``+changes`` if its files differ."""
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=APP_ROOT, capture_output=True, text=True
    )
    if head.returncode != 0:
        return None
    dirty = subprocess.run(
        [
            "git",
            "status",
            "--porcelain",
            "--untracked-files=no",
            "--",
            "app.py",
            "core",
            "dashboard",
        ],
        cwd=APP_ROOT,
        capture_output=True,
        text=True,
    )
    return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


class Instance(Gunicorn):
    """One instance of the production app (``app:server``): a gunicorn master
    and its workers on a free port, ready once /healthz answers (the
    database is open)."""

    def __init__(
        self,
        db: Path,
        workers: int = 2,
        threads: int = 4,
        log: Path | None = None,
        port: int | None = None,
    ) -> None:
        super().__init__(
            "app:server",
            db,
            workers,
            threads,
            config=GUNICORN_CONF if uses_gunicorn_conf() else None,
            cwd=APP_ROOT,
            log=log,
            port=port,
            ready_path="/healthz",
        )

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of the master and its live workers."""
        return sum(cpu_seconds(pid) for pid in [self.process.pid, *self.worker_pids()])

    def settings(self) -> dict[str, Any]:
        """What a results file records about this server."""
        return {
            "command": " ".join(
                Path(c).name if c.startswith((str(ROOT), str(APP_ROOT))) else c
                for c in self.command
            ),
            "app_root": str(APP_ROOT),
            "app_commit": app_commit(),
            "config_file": GUNICORN_CONF.name if self.config else None,
            "workers": self.workers,
            "threads": self.threads,
            "worker_class": "gthread",
            "db": str(self.db),
        }


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a live process (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def nginx_binary() -> str | None:
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def render_nginx_conf(template: str, prefix: Path, port: int, upstreams: list[str]) -> str:
    """deploy/nginx.conf with its ``@PLACEHOLDERS@`` filled in; the line with
    ``@UPSTREAM@`` is repeated for each upstream address."""
    lines = []
    for line in template.splitlines():
        if "@UPSTREAM@" in line:
            lines += [line.replace("@UPSTREAM@", u) for u in upstreams]
        else:
            lines.append(
                line.replace("@PREFIX@", str(prefix)).replace("@LISTEN@", f"127.0.0.1:{port}")
            )
    text = "\n".join(lines) + "\n"
    if re.search(r"@[A-Z_]+@", text):
        raise RuntimeError(
            f"placeholders left in the nginx config: {re.findall(r'@[A-Z_]+@', text)}"
        )
    return text


class Nginx:
    """nginx in the foreground with its own prefix, pid, logs and temp paths
    in a temporary folder: never the system's nginx service."""

    def __init__(self, upstreams: list[str], port: int | None = None) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (make nginx)")
        self.prefix = Path(tempfile.mkdtemp(prefix="dekomp-nginx-"))
        for sub in ("logs", "tmp"):
            (self.prefix / sub).mkdir()
        # Started as root, nginx's workers run as an unprivileged user and
        # buffer large request and response bodies in tmp/ (the master makes
        # the folders there for them): they must be able to reach it, and
        # mkdtemp's folder is private (without this, large callback bodies
        # got 500 from nginx).
        self.prefix.chmod(0o755)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.upstreams = upstreams
        self.conf = self.prefix / "nginx.conf"
        self.conf.write_text(
            render_nginx_conf(
                NGINX_TEMPLATE.read_text(encoding="utf-8"), self.prefix, self.port, upstreams
            ),
            encoding="utf-8",
        )
        command = [binary, "-p", str(self.prefix), "-c", str(self.conf), "-e", "stderr"]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t refused the config: {check.stderr}")
        with open(self.prefix / "logs" / "stderr.log", "ab") as errors:
            self.process = spawn(command, stdout=subprocess.DEVNULL, stderr=errors)
        wait_ready(self.process, self.url + "/healthz", time.monotonic() + 20)

    @property
    def access_log(self) -> Path:
        return self.prefix / "logs" / "access.log"

    def upstream_counts(self) -> dict[str, int]:
        """Requests per upstream address, from the access log's ``upstream=``."""
        counts: dict[str, int] = {}
        if not self.access_log.exists():
            return counts
        text = self.access_log.read_text(encoding="utf-8", errors="replace")
        for tried in re.findall(r'upstream="([^"]*)"', text):
            for addr in tried.split(","):
                addr = addr.strip()
                if addr and addr != "-":
                    counts[addr] = counts.get(addr, 0) + 1
        return counts

    def settings(self) -> dict[str, Any]:
        return {"upstreams": self.upstreams, "config": str(NGINX_TEMPLATE.relative_to(ROOT))}

    def cpu_seconds(self) -> float:
        return sum(cpu_seconds(pid) for pid in [self.process.pid, *children(self.process.pid)])

    def stop(self) -> None:
        stop(self.process)  # SIGTERM: nginx's fast shutdown
        shutil.rmtree(self.prefix, ignore_errors=True)

    def __enter__(self) -> Nginx:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
