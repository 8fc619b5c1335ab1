"""Servers the tests start for themselves on the loopback (an object store, an OpenID
provider, a development server): a free port to start one on, and the wait until it
listens."""
import socket
import subprocess
import time
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_listening(port: int, process: subprocess.Popen, log: Path, what: str, seconds: float = 30) -> None:
    """Return once something listens on `port`; fail the test, with the server's log, if
    `process` stops or `seconds` pass first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"{what} did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)
