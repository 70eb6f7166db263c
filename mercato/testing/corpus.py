"""Large inputs made from a small labelled corpus: N copies with distinct URLs, for kill tests and benches."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit


def _vary_url(url: str, copy: int) -> str:
    parts = urlsplit(url)
    path = parts.path.rstrip("/") + f"/copy-{copy}"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def copies(records: list[dict[str, Any]], n: int, *, revised: bool = False) -> Iterator[dict[str, Any]]:
    """``n`` articles cycling through ``records``, each copy under its own URL (so its own key).

    ``revised=True`` gives the same URLs with a changed text (a second revision of every article).
    """
    for i in range(n):
        rec = dict(records[i % len(records)])
        copy = i // len(records)
        if rec.get("url"):
            rec["url"] = _vary_url(rec["url"], copy)
        rec["id"] = f"{rec.get('id', i)}-{copy}"
        if revised:
            rec["text"] = f"{rec.get('text', '')}\n\n(updated)"
        yield rec


def write_copies(source: Path, dest: Path, n: int, *, revised: bool = False) -> Path:
    """Write ``n`` articles made from the JSONL ``source`` to ``dest``; returns ``dest``."""
    with open(source, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    with open(dest, "w", encoding="utf-8") as out:
        for rec in copies(records, n, revised=revised):
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return dest
