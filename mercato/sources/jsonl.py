"""JSONL archives, plain or gzip, streamed line by line so memory stays flat on multi-GB input.

Fields as in the labelled corpus (``id, url, outlet, date, text, lang``, plus ``title``, ``author``, ``html``);
unknown fields are kept in ``extra``. A bad line is reported as ``file:line`` with the reason; the rest go on.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from mercato.errors import BadArchiveLine, SourceError
from mercato.models import RawArticle
from mercato.sources._encoding import decode_bytes

log = logging.getLogger(__name__)

MAX_LINE_BYTES = 8 * 1024 * 1024
#: deepest nesting of arrays and objects a line may hold: an article is a flat object, a few levels of extra
#: fields are kept; deeper input would only exhaust the recursion of later stages (copying, JSON, the store)
MAX_DEPTH = 64
_STR_FIELDS = ("id", "url", "outlet", "date", "text", "title", "author", "html", "lang")
_KNOWN = {"id", "url", "outlet", "date", "text", "title", "author", "html"}


def open_archive(path: Path) -> IO[bytes]:
    """The archive's bytes, un-gzipped when it starts with the gzip magic."""
    f = open(path, "rb")  # noqa: SIM115 - returned to the caller
    head = f.peek(2)[:2] if hasattr(f, "peek") else b""
    if head == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=f, mode="rb")  # type: ignore[return-value]
    return f


def _lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) — bytes None when the line is over the cap (its rest is skipped)."""
    n = 0
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        n += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while True:  # discard the rest of this line without holding it
                more = stream.readline(1024 * 1024)
                if not more or more.endswith(b"\n"):
                    break
            yield n, None
            continue
        yield n, line


def _too_deep(obj: Any, limit: int = MAX_DEPTH) -> bool:
    """True when ``obj`` nests arrays/objects deeper than ``limit`` (checked without recursion)."""
    stack = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values() if isinstance(v, (dict, list)))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value if isinstance(v, (dict, list)))
    return False


def record_to_raw(obj: Any, where: str) -> RawArticle:
    """One JSON object to a RawArticle, or BadArchiveLine naming the field at fault."""
    if not isinstance(obj, dict):
        raise BadArchiveLine(f"expected a JSON object, got {type(obj).__name__}", where=where)
    for k in _STR_FIELDS:
        v = obj.get(k)
        if v is not None and not isinstance(v, str):
            if k == "id" and isinstance(v, int) and not isinstance(v, bool):
                continue
            raise BadArchiveLine(f"field {k!r} must be a string, got {type(v).__name__}", where=where)
    text, html = obj.get("text"), obj.get("html")
    if not (text and text.strip()) and not (html and html.strip()):
        raise BadArchiveLine("no 'text' or 'html' field with content", where=where)
    extra = {k: v for k, v in obj.items() if k not in _KNOWN}
    return RawArticle(
        origin=where,
        url=obj.get("url") or None,
        text=text,
        html=html,
        title=obj.get("title"),
        author=obj.get("author"),
        date=obj.get("date"),
        external_id=str(obj["id"]) if obj.get("id") is not None else None,
        outlet=obj.get("outlet") or None,
        extra=extra,
    )


def parse_line(line: bytes | None, where: str) -> RawArticle | SourceError | None:
    """One archive line (None: over the length cap) as a RawArticle, or the error naming ``where``;
    None for a blank line."""
    if line is None:
        return BadArchiveLine(f"line longer than {MAX_LINE_BYTES} bytes", where=where)
    if not line.strip():
        return None
    text = decode_bytes(line).strip().lstrip("\ufeff")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        reason = "truncated line" if not line.endswith(b"\n") else f"invalid JSON ({exc.msg})"
        return BadArchiveLine(reason, where=where)
    except RecursionError:  # the decoder gives up on nesting deeper than the interpreter's recursion limit
        return BadArchiveLine(f"JSON nested deeper than {MAX_DEPTH} levels", where=where)
    if _too_deep(obj):
        return BadArchiveLine(f"JSON nested deeper than {MAX_DEPTH} levels", where=where)
    try:
        return record_to_raw(obj, where)
    except BadArchiveLine as exc:
        return exc


def read_jsonl(path: str | Path, *, start_line: int = 1, stop_line: int | None = None) -> Iterator[RawArticle | SourceError]:
    """Yield a RawArticle per good line and a SourceError per bad one (never raises for bad lines)."""
    path = Path(path)
    try:
        stream = open_archive(path)
    except OSError as exc:
        yield SourceError(f"cannot open: {exc.strerror or exc}", where=str(path))
        return
    with stream:
        try:
            for n, line in _lines(stream):
                if n < start_line:
                    continue
                if stop_line is not None and n > stop_line:
                    return
                item = parse_line(line, f"{path}:{n}")
                if item is not None:
                    yield item
        except (OSError, EOFError, gzip.BadGzipFile, io.UnsupportedOperation) as exc:
            yield SourceError(f"archive unreadable: {exc}", where=str(path))
