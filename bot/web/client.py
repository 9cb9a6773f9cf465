"""The network address a request comes from, as far as this server can trust it.

Behind reverse proxies (PROXIES_COUNT > 0) the peer is the nearest proxy; each proxy appends the
address it received the request from to X-Forwarded-For. Only the entries our own proxies wrote
can be trusted, and those are the rightmost ones: the client's address is the one `proxies_count`
hops from the right. Everything further left was sent by the client and may be invented.
"""

from __future__ import annotations

import ipaddress
from typing import Iterable, Optional, Union

from aiohttp import web

FORWARDED_FOR = "X-Forwarded-For"
IPV6_GROUP_PREFIX = 64  # one IPv6 customer usually holds a whole /64
Address = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]


def _ip(text: Optional[str]) -> Optional[Address]:
    """The address in `text` ("192.0.2.1", "192.0.2.1:443", "[2001:db8::1]:443"), or None."""
    text = (text or "").strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped  # a dual-stack socket's form of an IPv4 client
    return address


def forwarded_client(remote: Optional[str], forwarded_for: Iterable[str], proxies_count: int) -> Optional[str]:
    """The client's address from the peer address and the X-Forwarded-For header values.

    With too few entries, or one that is not an address, the peer is taken: the request did not
    pass all our proxies, and a guess from the client's own entries would let it choose its address.
    None if even the peer is not an IP address (a Unix socket)."""
    chosen = None
    if proxies_count > 0:
        entries = [entry for value in forwarded_for for entry in value.split(",")]
        if len(entries) >= proxies_count:
            chosen = _ip(entries[-proxies_count])
    chosen = chosen or _ip(remote)
    return str(chosen) if chosen else None


def client_address(request: web.BaseRequest, proxies_count: int) -> Optional[str]:
    """The address of the client behind `request` (None if unknown); see `forwarded_client`."""
    return forwarded_client(request.remote, request.headers.getall(FORWARDED_FOR, []), proxies_count)


def address_group(address: Optional[str]) -> Optional[str]:
    """The key for per-address limits: an IPv4 address itself, an IPv6 address's /64 network
    (otherwise one customer could rotate through 2^64 addresses)."""
    ip = _ip(address)
    if ip is None:
        return address or None
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((int(ip), IPV6_GROUP_PREFIX), strict=False))
    return str(ip)
