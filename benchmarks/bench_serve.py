"""A class in the browser, measured: N concurrent `virtlab serve` sessions on this machine.

Starts `virtlab serve`, opens N websocket sessions as a browser would (index first, for the
cookie), waits until each shows the catalog, then reports the memory of the app processes
(RSS per session, from /proc) and, for each session in turn, key → the first frame that
answers it (a `j` press in the catalog moves the highlight).

Run: python benchmarks/bench_serve.py [N]   (default 30)
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mib(pid: int) -> float:
    """The resident memory of ``pid`` and all its descendants, in MiB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        todo += [int(c) for c in children]
    return total / 1024


async def session(url: str, ready: asyncio.Event) -> tuple[aiohttp.ClientSession, aiohttp.ClientWebSocketResponse]:
    client = aiohttp.ClientSession()
    async with client.get(url + "/") as response:
        await response.read()
    ws = await client.ws_connect(url.replace("http", "ws") + "/ws?width=120&height=36")
    seen = ""
    while "lessons done" not in seen:
        msg = await asyncio.wait_for(ws.receive(), 60)
        seen += msg.data if isinstance(msg.data, str) else bytes(msg.data).decode(errors="ignore")
    return client, ws


async def key_to_frame(ws: aiohttp.ClientWebSocketResponse) -> float:
    while True:  # drain what the app is still sending, so the next frame is the key's
        try:
            await asyncio.wait_for(ws.receive(), 0.3)
        except TimeoutError:
            break
    start = time.perf_counter()
    await ws.send_json(["stdin", "j"])
    while True:
        msg = await asyncio.wait_for(ws.receive(), 30)
        if msg.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT):
            return (time.perf_counter() - start) * 1000


async def main(n: int) -> None:
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        server = subprocess.Popen([sys.executable, "-m", "virtlab", "serve", "--port", str(port),
                                   "--data-dir", data, "--max-sessions", str(n + 5)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(100):
                with socket.socket() as s:
                    if s.connect_ex(("127.0.0.1", port)) == 0:
                        break
                await asyncio.sleep(0.1)
            base = rss_mib(server.pid)
            t0 = time.perf_counter()
            opened = await asyncio.gather(*(session(url, asyncio.Event()) for _ in range(n)))
            start_s = time.perf_counter() - t0
            await asyncio.sleep(2)
            total = rss_mib(server.pid)
            latencies = [await key_to_frame(ws) for _, ws in opened]
            print(f"{n} sessions open and showing the catalog in {start_s:.1f} s")
            print(f"memory: server {base:.0f} MiB; with {n} sessions {total:.0f} MiB, "
                  f"{(total - base) / n:.0f} MiB per session")
            print(f"key → first frame, one session at a time: median {statistics.median(latencies):.0f} ms, "
                  f"max {max(latencies):.0f} ms")
            for client, ws in opened:
                await ws.close()
                await client.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    os.environ.setdefault("VIRTLAB_LANG", "en")
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
