"""Running a reader script (core/sheet_reader.py, core/image_reader.py) in a child process
of its own: the child sets its own ceilings on memory and CPU time before it touches the
file, so whatever the file does, the most it can do is end the child."""
import os
import signal
import subprocess
import sys
from pathlib import Path

# How a child ends when it passed its CPU ceiling, or was killed for its memory.
KILLED = (-signal.SIGXCPU, -signal.SIGKILL)


def run_child(script: Path, payload: bytes, *, timeout: int) -> subprocess.CompletedProcess:
    """The script's run with `payload` on its stdin. -I: the child ignores PYTHON*
    variables and the user's site folder; it gets a bare environment. Raises
    subprocess.TimeoutExpired, or OSError when the machine cannot start it."""
    return subprocess.run([sys.executable, "-I", str(script)], input=payload, capture_output=True,
                          timeout=timeout, check=False, env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"})
