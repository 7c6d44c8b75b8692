"""How many receipts one client may send: a token bucket per client address, in memory.

A visitor sends a receipt per choice, a few per visit; a burst allows a household or an office
behind one address, and the steady rate stops a script from filling the database. Addresses are
held only here, never stored; IPv6 clients count per /64, the block one subscriber usually gets.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable


def client_key(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped or ip) if ip.version == 6 else str(ip)


class RateLimiter:
    """`per_minute` receipts a minute per client after a burst of `burst`; 0 turns it off."""

    def __init__(self, per_minute: float, burst: int, *, clock: Callable[[], float] = time.monotonic,
                 max_clients: int = 100_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(max(burst, 1))
        self.clock = clock
        self.max_clients = max_clients
        self.buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when)

    def wait(self, address: str) -> float:
        """0 when the client may send now (and counts it), else the seconds until it may."""
        if self.rate <= 0:
            return 0.0
        now, key = self.clock(), client_key(address)
        tokens, when = self.buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - when) * self.rate)
        if tokens < 1:
            self.buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate
        self.buckets[key] = (tokens - 1, now)
        if len(self.buckets) > self.max_clients:
            self._forget(now)
        return 0.0

    def _forget(self, now: float) -> None:
        # Clients whose bucket has refilled are no different from new ones: drop them.
        full = [k for k, (tokens, when) in self.buckets.items() if tokens + (now - when) * self.rate >= self.burst]
        for key in full:
            del self.buckets[key]
