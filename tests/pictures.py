"""Real pictures for upload tests, and a way to say two files show the same picture.

Uploaded photos are re-encoded without their metadata, so the stored bytes differ from the
sent ones: tests compare what is seen (size and, for lossless formats, the pixels).
"""

from __future__ import annotations

import io

from PIL import Image


def picture(fmt: str = "JPEG", size: tuple[int, int] = (40, 30)) -> bytes:
    image = Image.new("RGB", size, (32, 128, 192))
    image.putpixel((1, 1), (255, 0, 0))
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def same_picture(a: bytes, b: bytes, *, exact: bool = True) -> bool:
    with Image.open(io.BytesIO(a)) as one, Image.open(io.BytesIO(b)) as other:
        if one.size != other.size:
            return False
        return not exact or one.convert("RGB").tobytes() == other.convert("RGB").tobytes()
