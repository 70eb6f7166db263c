"""One exception tree for the whole package.

    MercatoError
    ├── SourceError ── FetchError ── BlockedAddress, BodyTooLarge, HTTPStatusError (sources.fetch)
    │               ├── FeedParseError
    │               └── BadArchiveLine
    ├── ExtractError
    ├── UnderstandError ── LlmError  (.kind: timeout, unavailable, http-NNN, invalid-answer, …)
    ├── StoreError ── MigrationError
    ├── ConfigError
    ├── FollowError        (watchlists, feeds and webhooks: a bad name, an unknown target)
    └── MissingDependency  (.extra = "postgres" | "web" | "batch" | ...)
    Skip(reason)           control flow, deliberately not a MercatoError

Every error carries the input it is about (a path with its line, a URL, a database) in its message.
"""

from __future__ import annotations


class MercatoError(Exception):
    """Base of every error Mercato raises on purpose."""

    code = "mercato"

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)
        self.reason = message


class SourceError(MercatoError):
    code = "source"


class FetchError(SourceError):
    code = "fetch"


class BlockedAddress(FetchError):
    code = "blocked-address"


class BodyTooLarge(FetchError):
    code = "body-too-large"


class FeedParseError(SourceError):
    code = "feed-parse"


class BadArchiveLine(SourceError):
    code = "bad-archive-line"


class ExtractError(MercatoError):
    code = "extract"


class UnderstandError(MercatoError):
    code = "understand"


class LlmError(UnderstandError):
    """The model server did not give a usable reading of an article; ``kind`` is a short stable label
    (``timeout``, ``unavailable``, ``http-429``, ``invalid-answer``, ``truncated`` …) the fallback is counted by."""

    code = "llm"

    def __init__(self, message: str, *, kind: str, where: str | None = None) -> None:
        super().__init__(message, where=where)
        self.kind = kind


class StoreError(MercatoError):
    code = "store"


class MigrationError(StoreError):
    code = "migration"


class ConfigError(MercatoError):
    code = "config"


class FollowError(MercatoError):
    code = "follow"


class MissingDependency(MercatoError):
    """An optional dependency is not installed; the message gives the pip line."""

    code = "missing-dependency"

    def __init__(self, package: str, extra: str) -> None:
        self.extra = extra
        self.package = package
        super().__init__(f"{package} is not installed; run: pip install 'mercato[{extra}]'")


class Skip(Exception):
    """This item stops here for a reason (a short stable label). Not an error."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)
