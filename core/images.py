"""Checking an uploaded image (a council's logo) and keeping only a re-encoding of it.

`check_image(name, data)` answers a `CheckedImage` (a fresh PNG, or an SVG rewritten with
only its drawing) or raises `ImageRefused` with a message a person can act on. The size
and the kind are checked here; the decoding happens in a child process with its own
memory and CPU ceiling (core/image_reader.py), as a spreadsheet's reading does, so that
no file can take the web process down.
"""
from __future__ import annotations

import io
import logging
import pickle
import subprocess
from dataclasses import dataclass
from pathlib import Path

from core.child_process import KILLED, run_child

logger = logging.getLogger(__name__)

READER = Path(__file__).with_name("image_reader.py")
MAX_BYTES = 2 * 1024 * 1024
LIMITS = {
    "pixels": 40_000_000,  # 40 megapixels decoded
    "side": 20_000,
    "memory_bytes": 1024 * 1024 * 1024,
    "seconds": 10,
    "out_bytes": 1024 * 1024,  # what is kept: the re-encoded PNG or SVG
}
EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".svg")
CONTENT_TYPES = ("image/png", "image/svg+xml")


class ImageRefused(ValueError):
    """The image is not used: the message says why."""


@dataclass(frozen=True)
class CheckedImage:
    content: bytes
    content_type: str  # image/png or image/svg+xml
    width: int
    height: int

    @property
    def extension(self) -> str:
        return ".svg" if self.content_type == "image/svg+xml" else ".png"


class _AnswerUnpickler(pickle.Unpickler):
    """The child's answer is plain data; nothing may be rebuilt from it."""

    def find_class(self, module: str, name: str):
        raise pickle.UnpicklingError(f"The image reader's answer may not hold {module}.{name}")


def check_image(name: str, data: bytes) -> CheckedImage:
    if not data:
        raise ImageRefused("The selected file is empty.")
    if len(data) > MAX_BYTES:
        raise ImageRefused(f"The image must be smaller than {MAX_BYTES // (1024 * 1024)} MB. A logo needs far "
                           "less: save a smaller copy and upload that.")
    lowered = (name or "").lower()
    if not lowered.endswith(EXTENSIONS):
        raise ImageRefused("The selected file must be a PNG, JPEG, GIF or SVG image.")
    payload = pickle.dumps({"data": data, "name": name, "limits": LIMITS}, protocol=pickle.HIGHEST_PROTOCOL)
    too_slow = "The image took too long to open: it is more complicated than a logo needs. Save it as PNG."
    try:
        done = run_child(READER, payload, timeout=LIMITS["seconds"] + 10)
    except subprocess.TimeoutExpired:
        raise ImageRefused(too_slow) from None
    except OSError:
        logger.exception("The image reader could not be started")
        raise ImageRefused("The image could not be checked just now because the server is busy. Try again in a "
                           "few minutes.") from None
    if done.returncode in KILLED:
        raise ImageRefused(too_slow)
    if done.returncode != 0 or not done.stdout:
        if done.returncode > 0:
            logger.error("The image reader failed: %s", done.stderr.decode(errors="replace")[-2000:])
        raise ImageRefused("The image could not be opened: it is damaged, or larger than it looks. Save it "
                           "again as PNG and upload that.")
    answer = _AnswerUnpickler(io.BytesIO(done.stdout)).load()
    if not isinstance(answer, dict):
        raise ImageRefused("The image could not be checked. Try again.")
    if answer.get("error"):
        raise ImageRefused(answer["error"])
    if answer.get("content_type") not in CONTENT_TYPES or not isinstance(answer.get("content"), bytes):
        raise ImageRefused("The image could not be checked. Try again.")
    return CheckedImage(content=answer["content"], content_type=answer["content_type"],
                        width=int(answer["width"]), height=int(answer["height"]))
