"""A real server process (gunicorn, 2 sync workers) and a sequential HTTP client."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import time
from typing import Any

from bench.config import PYTHON, REPO

WORKERS = 2


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """`gunicorn config.wsgi` on 127.0.0.1, stopped (by its own pid) on exit."""

    def __init__(self, env: dict[str, str], log: str) -> None:
        self.env = env
        self.port = free_port()
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                [
                    PYTHON, "-m", "gunicorn", "config.wsgi",
                    "--bind", f"127.0.0.1:{self.port}",
                    "--workers", str(WORKERS),
                    "--timeout", "600",
                    "--log-level", "warning",
                ],
                cwd=REPO, env=self.env, stdout=log, stderr=log,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}: see {self.log}"
                )
            try:
                status, _body, _s = Client(self.port).get("/healthz")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Client:
    """Sequential requests; a request's time runs from sending it to the last body byte."""

    def __init__(self, port: int, token: str = "", cookie: str = "") -> None:
        self.port = port
        self.token = token
        self.cookie = cookie  # "name=value" of a session: the pages, as a browser asks them
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=900)

    def request(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> tuple[int, Any, float]:
        headers = {"Accept": "application/json", "Host": "127.0.0.1"}
        if self.cookie:
            headers.update(Accept="text/html", Cookie=self.cookie)
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=payload, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError):
            # A closed keep-alive connection: once more on a fresh one.
            self.connection.close()
            started = time.perf_counter()
            self.connection.request(method, path, body=payload, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        seconds = time.perf_counter() - started
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        content = response.getheader("Content-Type", "")
        parsed: Any = json.loads(data) if content.startswith("application/json") else data
        return response.status, parsed, seconds

    def get(self, path: str) -> tuple[int, Any, float]:
        return self.request("GET", path)
