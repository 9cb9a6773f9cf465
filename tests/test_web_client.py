"""The client address of a web request, trusting X-Forwarded-For only as far as our own proxies."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import make_mocked_request

from bot.web.client import address_group, client_address, forwarded_client

ATTACKER_CHOICE = "198.51.100.66"


@pytest.mark.parametrize(
    "remote, forwarded_for, proxies, expected",
    [
        # No proxy: the peer, whatever the client writes into the header.
        ("192.0.2.10", [], 0, "192.0.2.10"),
        ("192.0.2.10", [ATTACKER_CHOICE], 0, "192.0.2.10"),
        # One proxy: the entry it appended (the rightmost); entries to its left came from the client.
        ("10.0.0.2", ["203.0.113.7"], 1, "203.0.113.7"),
        ("10.0.0.2", [f"{ATTACKER_CHOICE}, 203.0.113.7"], 1, "203.0.113.7"),
        ("10.0.0.2", [ATTACKER_CHOICE, "203.0.113.7"], 1, "203.0.113.7"),  # header sent twice
        ("10.0.0.2", [f"{ATTACKER_CHOICE},,203.0.113.7"], 1, "203.0.113.7"),
        # Two proxies: the outer one wrote the client, the inner one the outer proxy.
        ("10.0.0.3", ["203.0.113.7, 10.0.0.2"], 2, "203.0.113.7"),
        ("10.0.0.3", [f"{ATTACKER_CHOICE}, 203.0.113.7, 10.0.0.2"], 2, "203.0.113.7"),
        # Too few entries (a proxy was bypassed) or no header: the peer, never a client's guess.
        ("10.0.0.3", ["203.0.113.7"], 2, "10.0.0.3"),
        ("10.0.0.2", [], 1, "10.0.0.2"),
        # What is not an address falls back to the peer.
        ("10.0.0.2", ["unknown"], 1, "10.0.0.2"),
        ("10.0.0.2", [""], 1, "10.0.0.2"),
        ("10.0.0.2", ["<script>"], 1, "10.0.0.2"),
        # Ports, brackets, blanks, IPv6 and IPv4-mapped forms are normalised.
        ("10.0.0.2", [" 203.0.113.7:51234 "], 1, "203.0.113.7"),
        ("10.0.0.2", ["[2001:DB8::1]:443"], 1, "2001:db8::1"),
        ("10.0.0.2", ["2001:db8:0:0::1"], 1, "2001:db8::1"),
        ("::ffff:192.0.2.10", [], 0, "192.0.2.10"),
        # No IP address at all (a Unix socket).
        (None, [], 0, None),
        ("", ["203.0.113.7"], 2, None),
    ],
)
def test_forwarded_client(remote, forwarded_for, proxies, expected):
    assert forwarded_client(remote, forwarded_for, proxies) == expected


def test_client_address_reads_the_request():
    request = make_mocked_request(
        "GET", "/", headers=[("X-Forwarded-For", ATTACKER_CHOICE), ("X-Forwarded-For", "203.0.113.7")]
    )
    assert client_address(request, 1) == "203.0.113.7"
    assert client_address(request, 0) is None  # the mocked request has no peer


@pytest.mark.parametrize(
    "address, expected",
    [
        ("192.0.2.10", "192.0.2.10"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        (None, None),
        ("", None),
    ],
)
def test_address_group(address, expected):
    assert address_group(address) == expected
