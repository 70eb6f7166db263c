"""URL canonicalisation and the outlet of a URL."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ref_src", "cmpid", "ocid", "igshid")
_HOST_PREFIXES = ("www.", "amp.", "m.", "prod.", "mobile.")


def outlet_of(url: str | None) -> str | None:
    """The URL's host without ``www.``/``amp.``/``m.``/``prod.``: ``https://www.bbc.co.uk/x`` → ``bbc.co.uk``."""
    if not url:
        return None
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    changed = True
    while changed and host:
        changed = False
        for p in _HOST_PREFIXES:
            if host.startswith(p) and host.count(".") >= 2:
                host, changed = host[len(p):], True
    return host or None


def canonical_url(url: str | None) -> str | None:
    """Lower-case scheme and host, no fragment, no tracking parameters, no default port, no ``amp``/``www``."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = outlet_of(url) or parts.hostname.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(_TRACKING)]
    path = parts.path or "/"
    if path.endswith("/amp") or path.endswith("/amp/"):
        path = path[: path.rfind("/amp")] or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    return urlunsplit(("https", netloc, path, urlencode(query), ""))
