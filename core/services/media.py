"""Where photos and documents live: a directory (MEDIA_DIR) or an S3-compatible bucket.

Uploads are checked by their bytes, not by the name or the type a sender claims: a photo
must really be a JPEG, PNG, WebP or GIF, a document may also be a PDF, and nothing larger
than MEDIA_MAX_MB is kept. Keys are made here, never taken from a user.
"""

from __future__ import annotations

import asyncio
import io
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PIL import Image, ImageOps

from core.config import Settings
from core.errors import InvalidInput
from core.i18n import N_

# Magic numbers of what we accept, and the type each really is.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
}


def sniff(data: bytes) -> str | None:
    """The real type of `data`, or None when it is nothing we keep."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    for magic, content_type in _SIGNATURES:
        if data.startswith(magic):
            return content_type
    return None


@dataclass(frozen=True, slots=True)
class Checked:
    content_type: str
    extension: str


def check_upload(data: bytes, max_bytes: int, *, image_only: bool) -> Checked:
    """Refuse with a clear reason what we would not keep."""
    if not data:
        raise InvalidInput("file", N_("The file is empty."))
    if len(data) > max_bytes:
        raise InvalidInput(
            "file",
            N_("The file is too large: at most {mb} MB, please."),
            mb=max_bytes // (1024 * 1024),
        )
    content_type = sniff(data)
    if content_type is None or (image_only and not content_type.startswith("image/")):
        message = (
            N_("Please send a photo (JPEG, PNG, WebP or GIF).")
            if image_only
            else N_("Please send a photo or a PDF.")
        )
        raise InvalidInput("file", message)
    return Checked(content_type, EXTENSIONS[content_type])


# Photos whose metadata we drop; a GIF carries none worth the re-encoding.
_REENCODED = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def _without_metadata(data: bytes, content_type: str) -> bytes:
    """The photo as it looks, without EXIF (a phone writes the GPS position of the door the
    cargo was handed over at, and the public tracking page shows proof photos)."""
    with Image.open(io.BytesIO(data)) as image:
        upright = ImageOps.exif_transpose(image)
        out = io.BytesIO()
        options = {"quality": 90} if content_type == "image/jpeg" else {}
        upright.save(out, format=_REENCODED[content_type], **options)
        return out.getvalue()


async def strip_metadata(data: bytes, content_type: str) -> bytes:
    """Off the event loop; a file that only looked like a photo is refused here."""
    if content_type not in _REENCODED:
        return data
    try:
        return await asyncio.to_thread(_without_metadata, data, content_type)
    except (OSError, ValueError, Image.DecompressionBombError):
        raise InvalidInput("file", N_("Please send a photo (JPEG, PNG, WebP or GIF).")) from None


def new_key(prefix: str, extension: str) -> str:
    return f"{prefix}/{secrets.token_urlsafe(18)}.{extension}"


class MediaStore(Protocol):
    async def save(self, key: str, data: bytes, content_type: str) -> None: ...

    async def load(self, key: str) -> bytes: ...


class LocalMediaStore:
    """Files under one directory; the disk work runs in a thread, off the event loop."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root not in path.parents:
            raise ValueError(f"media key outside the store: {key!r}")
        return path

    async def save(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(path.suffix + ".part")
            temporary.write_bytes(data)
            temporary.replace(path)

        await asyncio.to_thread(write)

    async def load(self, key: str) -> bytes:
        return await asyncio.to_thread(self._path(key).read_bytes)


class S3MediaStore:
    """An S3-compatible bucket (AWS, MinIO, Ceph...) through aiobotocore, installed with
    the `s3` extra; the keys are the same as on disk."""

    def __init__(
        self,
        bucket: str,
        endpoint_url: str | None,
        access_key: str | None,
        secret_key: str | None,
        region: str | None,
    ) -> None:
        from aiobotocore.session import get_session

        self.bucket = bucket
        self._session = get_session()
        self._options = {
            "endpoint_url": endpoint_url,
            "aws_access_key_id": access_key,
            "aws_secret_access_key": secret_key,
            "region_name": region or "us-east-1",
        }

    async def save(self, key: str, data: bytes, content_type: str) -> None:
        async with self._session.create_client("s3", **self._options) as client:
            await client.put_object(
                Bucket=self.bucket, Key=key, Body=data, ContentType=content_type
            )

    async def load(self, key: str) -> bytes:
        async with self._session.create_client("s3", **self._options) as client:
            answer = await client.get_object(Bucket=self.bucket, Key=key)
            async with answer["Body"] as body:
                return await body.read()


def store_from(settings: Settings) -> MediaStore:
    """Where shipment photos and documents are kept, as configured."""
    if settings.s3_bucket:
        return S3MediaStore(
            settings.s3_bucket,
            settings.s3_endpoint_url,
            settings.s3_access_key.get_secret_value() if settings.s3_access_key else None,
            settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else None,
            settings.s3_region,
        )
    return LocalMediaStore(settings.media_dir)
