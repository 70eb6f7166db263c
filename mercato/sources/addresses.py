"""Which URLs and addresses may be fetched: http(s) only, and no private, loopback or link-local targets.

The scheme is checked before any I/O. Host names are resolved here and every resolved address is checked;
the fetcher then connects to exactly the address that was checked (see :mod:`mercato.sources.fetch`), on
every redirect hop, so neither a redirect nor a DNS answer that changes between check and connect can reach
an internal service. Addresses that embed an IPv4 address (``::ffff:127.0.0.1``, ``::127.0.0.1``, NAT64,
6to4, Teredo) are judged by the IPv4 address inside too.
"""

from __future__ import annotations

import concurrent.futures
import ipaddress
import logging
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from mercato.errors import BlockedAddress, FetchError

log = logging.getLogger(__name__)

ALLOWED_SCHEMES = ("http", "https")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_COMPAT = ipaddress.ip_network("::/96")
_resolver = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="mercato-dns")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def check_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL; any other scheme or a URL without a host is refused, no I/O."""
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        host = parts.hostname
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"not a valid URL ({exc})", where=url) from None
    if scheme not in ALLOWED_SCHEMES:
        shown = scheme or "(none)"
        raise BlockedAddress(f"scheme {shown!r} refused; allowed: http, https", where=url)
    if not host:
        raise FetchError("URL has no host", where=url)
    check_host_name(host, url)
    return scheme, host, port or (443 if scheme == "https" else 80)


def check_host_name(host: str, url: str) -> None:
    """Refuse (one line, no I/O) a host name the HTTP client could not encode: an internationalised name that is
    not valid IDNA (``☃.net``, an empty or over-long label) or an ``xn--`` label that is not valid Punycode."""
    if parse_ip(host) is not None:
        return
    labels = host.rstrip(".").split(".")
    if host.isascii() and not any(lab.lower().startswith("xn--") for lab in labels):
        return
    import idna

    try:
        if host.isascii():
            idna.decode(host)
        else:
            idna.encode(host.lower())
    except (idna.IDNAError, UnicodeError, IndexError, ValueError) as exc:
        raise FetchError(f"host name {host!r} is not a valid internationalised domain name ({exc})",
                         where=url) from None


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64 or (ip in _COMPAT and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def blocked_reason(ip: IPAddress) -> str | None:
    """Why an address must not be fetched (``"loopback"``, ``"private"``…), or None when it is public."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_v4(ip)
        if inner is not None:
            why = blocked_reason(inner)
            if why:
                return f"{why} (embedded in {ip})"
    for attr in ("is_unspecified", "is_loopback", "is_link_local", "is_multicast", "is_private", "is_reserved"):
        if getattr(ip, attr):
            return attr[3:].replace("_", "-")
    if not ip.is_global:
        return "not-global"
    return None


def parse_ip(host: str) -> IPAddress | None:
    """The address when ``host`` is an IP literal (with or without brackets), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def resolve(host: str, port: int, *, timeout: float | None = None) -> list[IPAddress]:
    """Every address ``host`` resolves to (IP literals and forms like ``2130706433`` included)."""
    literal = parse_ip(host)
    if literal is not None:
        return [literal]
    fut = _resolver.submit(socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM)
    try:
        infos = fut.result(timeout=timeout)
    except concurrent.futures.TimeoutError:
        raise FetchError(f"DNS lookup of {host} timed out", where=host) from None
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise FetchError(f"cannot resolve {host} ({exc})", where=host) from None
    out: list[IPAddress] = []
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if ip not in out:
            out.append(ip)
    if not out:
        raise FetchError(f"cannot resolve {host} (no addresses)", where=host)
    return out


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or networks (``127.0.0.1``, ``10.0.0.0/8``) for an allow-list."""
    return tuple(ipaddress.ip_network(v.strip("[]"), strict=False) for v in values)


def checked_addresses(host: str, port: int, *, allow_private: bool, timeout: float | None = None,
                      allowed: tuple[Network, ...] = ()) -> list[IPAddress]:
    """The addresses of ``host`` that may be contacted; BlockedAddress if any of them is internal.

    ``allowed`` lists internal addresses or networks that may be contacted anyway (an allow-list).
    One internal address among several public ones is refused too: such a name is an attack or a
    misconfiguration, never a news site.
    """
    addrs = resolve(host, port, timeout=timeout)
    if allow_private:
        return addrs
    for ip in addrs:
        why = blocked_reason(ip)
        if why and any(ip.version == net.version and ip in net for net in allowed):
            continue
        if why:
            raise BlockedAddress(f"resolves to {ip} ({why}); refused (allow with --allow-private)",
                                 where=host)
    return addrs
