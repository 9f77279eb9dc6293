#!/usr/bin/env python3
"""Opens HTML reports in headless Chromium and checks them as a person's browser would.

    python3 tools/browser-check/check.py OUT_DIR REPORT.html [REPORT.html ...]

For each report: loads it from file://, takes a full-page screenshot (OUT_DIR/<folder>-<name>.png), and
fails when the page logs a console message of level warning or error, throws, violates its content
security policy, requests anything but the file itself (no network), or draws no chart. Talks to
Chromium over the DevTools protocol with a small WebSocket client written here, so it needs nothing but
Python's standard library and a `chromium` (or CHROMIUM=...) binary.
"""
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse


class WebSocket:
    """The client side of RFC 6455, enough for the DevTools protocol: text frames, masking, fragments."""

    def __init__(self, url):
        u = urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {u.path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("the browser closed the connection during the handshake")
            response += chunk
        head, self.buffer = response.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError(f"handshake refused: {head[:200]!r}")

    def send(self, text):
        payload = text.encode()
        header = bytearray([0x81])
        n = len(payload)
        if n < 126:
            header.append(0x80 | n)
        elif n < 1 << 16:
            header.append(0x80 | 126)
            header += struct.pack(">H", n)
        else:
            header.append(0x80 | 127)
            header += struct.pack(">Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(bytes(header) + mask + masked)

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise RuntimeError("the browser closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def receive(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(n)
            opcode = b0 & 0x0F
            if opcode == 0x8:
                raise RuntimeError("the browser closed the connection")
            if opcode in (0x9, 0xA):  # ping, pong: not sent by Chromium's DevTools server in practice
                continue
            message += payload
            if b0 & 0x80:
                return message.decode()


class Browser:
    def __init__(self, binary):
        self.profile = tempfile.mkdtemp(prefix="terrasim-browser-check-")
        self.process = subprocess.Popen(
            [
                binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--metrics-recording-only",
                "--remote-debugging-port=0", f"--user-data-dir={self.profile}", "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.time() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if time.time() > deadline or self.process.poll() is not None:
                raise RuntimeError("chromium did not start its DevTools server")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        # Ask for a page target over the browser endpoint's HTTP list.
        with socket.create_connection(("127.0.0.1", int(port)), timeout=10) as s:
            s.sendall(f"GET /json/list HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            response = b""
            while b"\r\n\r\n" not in response:
                response += s.recv(65536)
            head, body = response.split(b"\r\n\r\n", 1)
            length = next(
                int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
            )
            while len(body) < length:
                body += s.recv(65536)
        targets = json.loads(body)
        page = next(t for t in targets if t["type"] == "page")
        self.ws = WebSocket(page["webSocketDebuggerUrl"])
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        ident = self.next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.receive())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for k, e in enumerate(self.events):
                if e.get("method") == event:
                    del self.events[k]
                    return e
            self.events.append(json.loads(self.ws.receive()))
        raise RuntimeError(f"no {event} within {timeout} s")

    def close(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def check(browser, report, out_dir):
    url = Path(report).resolve().as_uri()
    browser.events.clear()
    browser.call("Page.navigate", url=url)
    browser.wait_for("Page.loadEventFired")
    # Let layout settle and late messages arrive.
    browser.call("Runtime.evaluate", expression="new Promise(r => setTimeout(r, 300))", awaitPromise=True)
    problems = []
    for e in browser.events:
        method, params = e.get("method"), e.get("params", {})
        if method == "Network.requestWillBeSent":
            requested = params["request"]["url"]
            if requested != url and not requested.startswith("data:"):
                problems.append(f"requested {requested}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
            problems.append(f"console {params['type']}: {params.get('args')}")
        elif method == "Runtime.exceptionThrown":
            problems.append(f"exception: {params.get('exceptionDetails', {}).get('text')}")
        elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
            problems.append(f"log {params['entry']['level']}: {params['entry']['text']}")
    counts = browser.call(
        "Runtime.evaluate",
        expression="JSON.stringify({svg: document.querySelectorAll('svg').length,"
        " scripts: document.scripts.length, h2: document.querySelectorAll('h2').length,"
        " width: document.documentElement.scrollWidth})",
        returnByValue=True,
    )["result"]["value"]
    counts = json.loads(counts)
    if counts["svg"] == 0:
        problems.append("no chart on the page")
    if counts["scripts"] != 0:
        problems.append(f"{counts['scripts']} script elements")
    metrics = browser.call("Page.getLayoutMetrics")
    height = min(int(metrics["cssContentSize"]["height"]), 16000)
    shot = browser.call(
        "Page.captureScreenshot",
        format="png",
        captureBeyondViewport=True,
        clip={"x": 0, "y": 0, "width": 1100, "height": height, "scale": 1},
    )
    name = f"{Path(report).parent.name}-{Path(report).stem}.png"
    (Path(out_dir) / name).write_bytes(base64.b64decode(shot["data"]))
    return problems, counts, name


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out_dir = Path(sys.argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    binary = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not binary:
        sys.exit("no chromium found: apt-get install -y chromium, or set CHROMIUM=/path/to/chrome")
    browser = Browser(binary)
    failed = 0
    try:
        for method in ("Page.enable", "Runtime.enable", "Log.enable", "Network.enable"):
            browser.call(method)
        browser.call("Emulation.setDeviceMetricsOverride", width=1100, height=900, deviceScaleFactor=1, mobile=False)
        for report in sys.argv[2:]:
            problems, counts, shot = check(browser, report, out_dir)
            status = "ok" if not problems else "FAILED"
            print(f"{status}: {report}: {counts['svg']} charts, {counts['h2']} sections; screenshot {out_dir / shot}")
            for p in problems:
                print(f"    {p}")
            failed += bool(problems)
    finally:
        browser.close()
    print(f"{len(sys.argv) - 2 - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
