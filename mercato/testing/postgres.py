"""A real, throw-away PostgreSQL server in a temporary directory (``initdb`` + ``pg_ctl``) for tests and benches.

    with PostgresServer.start() as pg:
        url = pg.create_database()        # postgresql://postgres@127.0.0.1:PORT/t_…
        ...
        pg.crash()                        # pg_ctl stop -m immediate
        pg.restart()

PostgreSQL refuses to run as root, so when the caller is root the server runs as an unprivileged user
(``mercato-test``, created with ``useradd`` when missing, else ``nobody``) through ``runuser``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

TEST_USER = "mercato-test"


def find_bindir() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` holding ``initdb`` and ``pg_ctl`` (or the ones on PATH)."""
    found: list[tuple[int, Path]] = []
    for d in Path("/usr/lib/postgresql").glob("*/bin"):
        if (d / "initdb").exists() and (d / "pg_ctl").exists():
            m = re.match(r"\d+", d.parent.name)
            found.append((int(m.group()) if m else 0, d))
    if found:
        return max(found)[1]
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unprivileged_user() -> str | None:
    """None when we are not root; else a user PostgreSQL may run as (created when needed)."""
    if os.geteuid() != 0:
        return None
    with contextlib.suppress(KeyError):
        pwd.getpwnam(TEST_USER)
        return TEST_USER
    if shutil.which("useradd"):
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", TEST_USER],
                       capture_output=True, check=False)
        with contextlib.suppress(KeyError):
            pwd.getpwnam(TEST_USER)
            return TEST_USER
    return "nobody"


class PostgresServer:
    """One PostgreSQL cluster in ``base`` listening on 127.0.0.1:``port`` with trust auth for ``postgres``."""

    def __init__(self, bindir: Path, base: Path, port: int, user: str | None) -> None:
        self.bindir = bindir
        self.base = base
        self.datadir = base / "data"
        self.logfile = base / "postgres.log"
        self.port = port
        self.user = user
        self._owns_base = False

    # -- lifecycle -------------------------------------------------------------------------------------
    @classmethod
    def start(cls, base: Path | None = None, *, bindir: Path | None = None, fsync: bool = False) -> PostgresServer:
        """initdb a new cluster and start it; raises RuntimeError (with the log) if it cannot."""
        bindir = bindir or find_bindir()
        if bindir is None:
            raise FileNotFoundError("no PostgreSQL binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or PATH")
        owns = base is None
        base = Path(tempfile.mkdtemp(prefix="mercato-pg-")) if base is None else base
        base.mkdir(parents=True, exist_ok=True)
        user = _unprivileged_user()
        if user:
            pw = pwd.getpwnam(user)
            os.chown(base, pw.pw_uid, pw.pw_gid)
        server = cls(bindir, base, _free_port(), user)
        server._owns_base = owns
        server._run(["initdb", "-D", str(server.datadir), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                     "--locale=C", "--no-sync"])
        conf = server.datadir / "postgresql.conf"
        with open(conf, "a", encoding="utf-8") as f:
            f.write(
                "\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{base}'\n"
                f"fsync = {'on' if fsync else 'off'}\n"  # a crash of the server keeps what the kernel has
                "full_page_writes = off\n"
                "shared_buffers = 32MB\n"
                "max_connections = 200\n"
                "log_min_messages = warning\n"
            )
        server.restart()
        return server

    def restart(self) -> None:
        """Start the (stopped or crashed) server on the same port; recovery runs as after a real crash."""
        last = ""
        for _attempt in range(5):
            res = self._run(["pg_ctl", "-D", str(self.datadir), "-l", str(self.logfile), "-w", "-t", "60",
                             "-o", f"-p {self.port}", "start"], check=False)
            if res.returncode == 0:
                return
            last = res.stdout + res.stderr + self.log_tail()
            if "already in use" in last or "could not bind" in last:
                self.port = _free_port()
                continue
            time.sleep(0.5)
        raise RuntimeError(f"PostgreSQL did not start in {self.base}:\n{last}")

    def stop(self, mode: str = "fast") -> None:
        """``pg_ctl stop -m fast|smart|immediate`` (immediate = a crash: no checkpoint, recovery on start)."""
        self._run(["pg_ctl", "-D", str(self.datadir), "-m", mode, "-w", "-t", "60", "stop"], check=False)

    def crash(self) -> None:
        """Stop the server the way a power cut would look to it: ``pg_ctl stop -m immediate``."""
        self.stop("immediate")

    def close(self) -> None:
        self.stop("fast")
        if self._owns_base:
            shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- databases -------------------------------------------------------------------------------------
    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def _admin(self) -> Any:
        import psycopg

        return psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                               autocommit=True, connect_timeout=30)

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; returns its URL."""
        name = name or "t_" + uuid.uuid4().hex[:16]
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name_or_url: str) -> None:
        name = name_or_url.rsplit("/", 1)[-1]
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def log_tail(self, n: int = 4000) -> str:
        try:
            return self.logfile.read_text(encoding="utf-8", errors="replace")[-n:]
        except OSError:
            return ""

    # -- internals -------------------------------------------------------------------------------------
    def _run(self, argv: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / argv[0]), *argv[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        res = subprocess.run(cmd, capture_output=True, text=True, cwd=self.base, check=False,
                             stdin=subprocess.DEVNULL, timeout=180)
        if check and res.returncode != 0:
            raise RuntimeError(f"{' '.join(argv[:2])} failed ({res.returncode}):\n{res.stdout}{res.stderr}")
        return res
