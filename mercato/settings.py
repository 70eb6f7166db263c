"""Options in one object, layered: packaged defaults < user file < environment < CLI flags."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mercato.errors import ConfigError


def data_dir() -> Path:
    """The user's data directory for Mercato (``$XDG_DATA_HOME/mercato``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "mercato"


def config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "mercato" / "settings.toml"


READERS = ("offline", "llm")


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    db: str = ""  # a path or a SQLAlchemy URL; empty = default SQLite file in data_dir()
    allow_private: bool = False
    user_agent: str = "Mercato/0.1 (+transfer-news reader; polite bot)"
    fetch_timeout_s: float = 20.0
    fetch_max_bytes: int = 15 * 1024 * 1024
    fetch_max_redirects: int = 5
    per_host_concurrency: int = 2
    poll_interval_s: float = 900.0
    batch_size: int = 500
    api_token: str = ""
    api_max_body: int = 1024 * 1024
    follow_threshold_points: float = 10.0  # a likelihood move of at least this many points is a change
    webhook_attempts: int = 3  # tries of one delivery in one run (then it waits for the next run)
    webhook_max_attempts: int = 12  # tries over all runs before a delivery is given up (kept as failed)
    webhook_backoff_s: float = 1.0  # wait before the 2nd try; doubled before each next one
    webhook_timeout_s: float = 10.0
    reader: str = "offline"  # offline | llm (an OpenAI-compatible model server; see docs/llm.md)
    llm_url: str = ""  # base URL of an OpenAI-compatible API, ending in /v1
    llm_model: str = ""
    llm_api_key: str = dataclasses.field(default="", repr=False)  # never logged, stored or shown
    llm_concurrency: int = 4
    llm_timeout_s: float = 120.0  # total deadline per article, retries included
    llm_max_tokens: int = 1500

    def db_url(self) -> str:
        """The SQLAlchemy URL of the store: ``--db`` may be a plain path."""
        db = self.db or str(data_dir() / "mercato.db")
        if "://" in db:
            return db
        return "sqlite:///" + str(Path(db).expanduser().resolve())

    def __post_init__(self) -> None:
        if self.reader not in READERS:
            raise ConfigError(f"setting 'reader' must be one of {', '.join(READERS)}, got {self.reader!r}")
        if self.llm_concurrency < 1:
            raise ConfigError(f"setting 'llm_concurrency' must be at least 1, got {self.llm_concurrency}")
        if self.llm_timeout_s <= 0:
            raise ConfigError(f"setting 'llm_timeout_s' must be positive, got {self.llm_timeout_s}")

    def replace(self, **changes: Any) -> Settings:
        changes = {k: v for k, v in changes.items() if v is not None}
        return dataclasses.replace(self, **changes)


_ENV = {f.name: "MERCATO_" + f.name.upper() for f in dataclasses.fields(Settings)}


def _coerce(name: str, value: Any) -> Any:
    kind = {f.name: f.type for f in dataclasses.fields(Settings)}[name]
    try:
        if kind == "bool":
            if isinstance(value, bool):
                return value
            return str(value).strip().lower() in {"1", "true", "yes", "on"}
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        raise ConfigError(f"setting {name!r} must be {kind}, got {value!r}") from None


def load_settings(path: Path | None = None, env: dict[str, str] | None = None, **flags: Any) -> Settings:
    """Build the settings once: defaults, then the user file, then ``MERCATO_*`` variables, then flags."""
    values: dict[str, Any] = {}
    path = path or config_path()
    if path.is_file():
        try:
            loaded = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read settings: {exc}", where=str(path)) from None
        for k, v in loaded.items():
            key = k.replace("-", "_")
            if key not in _ENV:
                raise ConfigError(f"unknown setting {k!r}; allowed: {', '.join(sorted(_ENV))}", where=str(path))
            values[key] = _coerce(key, v)
    env = os.environ if env is None else env
    for name, var in _ENV.items():
        if var in env and env[var] != "":
            values[name] = _coerce(name, env[var])
    for k, v in flags.items():
        if v is not None:
            values[k] = v
    return Settings(**values)
