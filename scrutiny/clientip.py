"""The address of the client, as far as the portal can trust it (issue 13 finding 9).

Behind nginx (docs/deploy.md) ``REMOTE_ADDR`` is the proxy's address for every visitor, so
django-axes, which locks a username *from an address*, would lock everyone out together: five
wrong passwords from anywhere would lock that account for all. ``TRUSTED_PROXY_COUNT`` says how
many proxies of our own stand in front of gunicorn; each appends the address it received the
request from to ``X-Forwarded-For`` (nginx: ``$proxy_add_x_forwarded_for``). The client is
therefore the ``TRUSTED_PROXY_COUNT``-th entry from the right. Entries further left were
written by the client itself and are never believed, so a forged ``X-Forwarded-For`` cannot
choose the address a lock is keyed on.

``TRUSTED_PROXY_COUNT`` 0 (the default, no proxy) uses ``REMOTE_ADDR`` and ignores the header.
A value that is not an IP address falls back to ``REMOTE_ADDR``.

An IPv6 client is keyed on its /64 network (written as the network's first address, so it
still fits axes' IP address column): one home broadband line has a whole /64, and counting
each of its addresses apart would let it guess passwords without limit by changing address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

IPV6_PREFIX = 64


def _keyed(address: str | None) -> str | None:
    """The address a lock is keyed on: IPv4 as it is, IPv6 as its /64 network."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False).network_address)
    return str(ip)


def client_ip(request: HttpRequest) -> str | None:
    return _keyed(_client_address(request))


def _client_address(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    if not hops:
        return remote
    # Fewer entries than proxies: the leftmost was still written by one of ours.
    candidate = hops[-count] if len(hops) >= count else hops[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
