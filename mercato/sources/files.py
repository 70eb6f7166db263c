"""Text and HTML files and whole directories (JSONL archives inside are read as archives).

Only regular files are read: FIFOs, devices and sockets are refused by name, never opened; a symlink is
followed only when it ends at a regular file; binary and oversized files are refused with the reason.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from mercato.errors import SourceError
from mercato.models import RawArticle
from mercato.sources._encoding import decode_bytes
from mercato.sources.jsonl import read_jsonl

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
ARCHIVE_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".json.gz")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt", ".text", ".md")


def _kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(ARCHIVE_SUFFIXES):
        return "jsonl"
    if name.endswith(HTML_SUFFIXES):
        return "html"
    return "text"


def _check_regular(path: Path) -> os.stat_result | SourceError:
    try:
        st = os.stat(path)  # follows symlinks
    except FileNotFoundError:
        if path.is_symlink():
            return SourceError("broken symlink", where=str(path))
        return SourceError("no such file or directory", where=str(path))
    except OSError as exc:
        return SourceError(f"cannot read: {exc.strerror or exc}", where=str(path))
    if stat.S_ISDIR(st.st_mode):
        return st
    if not stat.S_ISREG(st.st_mode):
        what = ("a FIFO" if stat.S_ISFIFO(st.st_mode) else "a device" if stat.S_ISCHR(st.st_mode) or
                stat.S_ISBLK(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
        return SourceError(f"not a regular file ({what})", where=str(path))
    return st


def read_file(path: Path) -> Iterator[RawArticle | SourceError]:
    """One text or HTML file as one article (a JSONL archive as many)."""
    st = _check_regular(path)
    if isinstance(st, SourceError):
        yield st
        return
    kind = _kind(path)
    if kind == "jsonl":
        yield from read_jsonl(path)
        return
    if st.st_size > MAX_FILE_BYTES:
        yield SourceError(f"file too large ({st.st_size} bytes; limit {MAX_FILE_BYTES})", where=str(path))
        return
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        yield SourceError(f"cannot read: {exc.strerror or exc}", where=str(path))
        return
    if len(data) > MAX_FILE_BYTES:
        yield SourceError(f"file too large (over {MAX_FILE_BYTES} bytes)", where=str(path))
        return
    if not data.strip():
        yield SourceError("empty file", where=str(path))
        return
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")) and not (
        len(data) > 3 and data[1:4:2] == b"\x00\x00"
    ):
        yield SourceError("binary file, not text or HTML", where=str(path))
        return
    text = decode_bytes(data)
    if kind == "text" and text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        kind = "html"
    if kind == "html":
        yield RawArticle(origin=str(path), html=text)
        return
    lines = text.strip().splitlines()
    title = None
    if len(lines) > 1 and 0 < len(lines[0].strip()) <= 200 and not lines[0].rstrip().endswith((".", ":")):
        title = lines[0].strip()
    yield RawArticle(origin=str(path), text=text, title=title)


def read_paths(paths: list[str | Path]) -> Iterator[RawArticle | SourceError]:
    """Every article under the given files and directories, in a stable order."""
    for p in paths:
        path = Path(p)
        st = _check_regular(path)
        if isinstance(st, SourceError):
            yield st
            continue
        if stat.S_ISDIR(st.st_mode):
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield from read_file(Path(root) / name)
        else:
            yield from read_file(path)
