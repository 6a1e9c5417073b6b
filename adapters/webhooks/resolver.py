"""The host resolver of the URL guard: every address a callback host resolves to right now."""

from __future__ import annotations

import asyncio
import ipaddress
import socket


class SystemResolver:
    async def addresses(self, host: str, port: int) -> list[str]:
        try:
            return [str(ipaddress.ip_address(host.strip("[]")))]
        except ValueError:
            pass
        try:
            found = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except (socket.gaierror, UnicodeError, OSError):
            return []
        return sorted({str(info[4][0]) for info in found})
