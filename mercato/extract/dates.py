"""Publication dates: from the record, the page's metadata, the URL, or a marker in the text."""

from __future__ import annotations

import datetime as dt
import re

_URL_PATTERNS = [
    re.compile(r"/(20\d{2})/(\d{1,2})/(\d{1,2})(?:/|$|[-_])"),
    re.compile(r"(?<!\d)(20\d{2})-(\d{2})-(\d{2})(?!\d)"),
    re.compile(r"(?<!\d)(\d{2})-(\d{2})-(20\d{2})(?!\d)"),  # dd-mm-yyyy
    re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)"),
]
_MONTH = re.compile(r"/(20\d{2})/(\d{2})/")


def iso_date(value: object) -> str | None:
    """``YYYY-MM-DD`` from an ISO date or datetime string (or a date), else None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    s = str(value).strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", s)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


#: the first year a news date may carry; later than next year is a typo or a placeholder (9999-12-31)
MIN_YEAR = 1990


def checked_date(value: object, *, today: dt.date | None = None) -> tuple[str | None, str | None]:
    """``(YYYY-MM-DD, None)`` for a plausible date, else ``(None, reason)``; ``(None, None)`` when no date given.

    Reasons: ``impossible`` (``2025-02-30``), ``implausible`` (before :data:`MIN_YEAR` or after next year:
    ``0001-01-01``, ``9999-12-31``), ``unreadable`` (not an ISO date).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, dt.datetime | dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
    else:
        m = re.match(r"\s*([+-]?\d{4,})-(\d{1,2})-(\d{1,2})", str(value))
        if not m:
            return None, "unreadable"
        try:
            day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            year = int(m.group(1))
            if not MIN_YEAR <= year <= (today or dt.date.today()).year + 1:
                return None, "implausible"
            return None, "impossible"
    if not MIN_YEAR <= day.year <= (today or dt.date.today()).year + 1:
        return None, "implausible"
    return day.isoformat(), None


def date_from_url(url: str | None) -> str | None:
    """A date written in the URL path (``/2025/10/01/``, ``-01-10-2025``, ``20251001``)."""
    if not url:
        return None
    for i, pat in enumerate(_URL_PATTERNS):
        for m in pat.finditer(url):
            a, b, c = (int(x) for x in m.groups())
            y, mo, d = (c, b, a) if i == 2 else (a, b, c)
            try:
                day = dt.date(y, mo, d)
            except ValueError:
                continue
            if 2000 <= day.year <= dt.date.today().year + 1:
                return day.isoformat()
    return None


def month_from_url(url: str | None) -> str | None:
    """``YYYY-MM`` when the URL has only a year and month."""
    if not url:
        return None
    m = _MONTH.search(url)
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{m.group(1)}-{m.group(2)}"
    return None
