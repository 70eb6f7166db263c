"""The sources file (TOML): the feeds to follow. A default list of real transfer-news feeds ships as data.

    [[feed]]
    url = "https://www.example.com/football/rss"
    name = "Example Sport"
    lang = "en"            # optional: a hint for the language of the entries
    enabled = true         # optional

The file used is the one given, else ``$XDG_CONFIG_HOME/mercato/sources.toml`` when it exists, else the
packaged ``mercato/data/feeds.toml``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from mercato.errors import ConfigError, FetchError
from mercato.settings import config_path
from mercato.sources.addresses import check_url

__all__ = ["FeedSource", "load_sources", "sources_path"]

_KEYS = ("url", "name", "lang", "enabled")


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedSource:
    """One feed listed in a sources file."""

    url: str
    name: str | None = None
    lang: str | None = None
    enabled: bool = True


def sources_path(path: str | Path | None = None) -> Path:
    """The sources file to use: the one given, the user's, or the packaged default list."""
    if path:
        return Path(path)
    user = config_path().with_name("sources.toml")
    if user.is_file():
        return user
    return Path(str(resources.files("mercato") / "data" / "feeds.toml"))


def load_sources(path: str | Path | None = None, *, include_disabled: bool = False) -> list[FeedSource]:
    """The feeds of a sources file; ConfigError naming the file (and the entry) when it is wrong."""
    p = sources_path(path)
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read the sources file: {exc}", where=str(p)) from None
    unknown = set(doc) - {"feed"}
    if unknown:
        raise ConfigError(f"unknown table(s) {', '.join(sorted(unknown))}; allowed: [[feed]]", where=str(p))
    items = doc.get("feed", [])
    if not isinstance(items, list):
        raise ConfigError("'feed' must be an array of tables ([[feed]])", where=str(p))
    out: list[FeedSource] = []
    seen: set[str] = set()
    for i, item in enumerate(items, 1):
        where = f"{p} [[feed]] #{i}"
        if not isinstance(item, dict):
            raise ConfigError("each [[feed]] must be a table", where=where)
        bad = set(item) - set(_KEYS)
        if bad:
            raise ConfigError(f"unknown key(s) {', '.join(sorted(bad))}; allowed: {', '.join(_KEYS)}", where=where)
        url = item.get("url")
        if not isinstance(url, str) or not url.strip():
            raise ConfigError("'url' is required", where=where)
        try:
            check_url(url)
        except FetchError as exc:
            raise ConfigError(exc.reason, where=f"{where} {url}") from None
        for key in ("name", "lang"):
            if item.get(key) is not None and not isinstance(item[key], str):
                raise ConfigError(f"{key!r} must be a string", where=where)
        if not isinstance(item.get("enabled", True), bool):
            raise ConfigError("'enabled' must be true or false", where=where)
        src = FeedSource(url=url.strip(), name=item.get("name"), lang=item.get("lang"),
                         enabled=item.get("enabled", True))
        if src.url in seen or not (src.enabled or include_disabled):
            continue
        seen.add(src.url)
        out.append(src)
    return out
