"""Both media stores keep the bytes they are given under the key, off the event loop: the
directory on disk, and an S3-compatible bucket (a local moto server stands in for S3)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from core.config import Settings
from core.services.media import LocalMediaStore, S3MediaStore, new_key, sniff, store_from

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
PDF = b"%PDF-1.7\n" + b"x" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 16


def test_the_type_is_read_from_the_bytes():
    assert sniff(PNG) == "image/png"
    assert sniff(PDF) == "application/pdf"
    assert sniff(WEBP) == "image/webp"
    assert sniff(b"<html>not a picture</html>") is None


async def test_a_directory_store_round_trips_and_refuses_escapes(tmp_path: Path):
    store = LocalMediaStore(tmp_path)
    key = new_key("shipments/1", "png")
    await store.save(key, PNG, "image/png")
    assert await store.load(key) == PNG
    with pytest.raises(ValueError):
        await store.save("../outside.png", PNG, "image/png")


@pytest.fixture
async def s3_endpoint():
    moto_server = pytest.importorskip("moto.server")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    await asyncio.to_thread(server.start)
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        await asyncio.to_thread(server.stop)


async def test_an_s3_bucket_round_trips(s3_endpoint: str):
    pytest.importorskip("aiobotocore")
    settings = Settings(
        secret_key="x" * 48,
        s3_bucket="ona-media",
        s3_endpoint_url=s3_endpoint,
        s3_access_key="testing",
        s3_secret_key="testing",
    )
    store = store_from(settings)
    assert isinstance(store, S3MediaStore)
    async with store._session.create_client("s3", **store._options) as client:
        await client.create_bucket(Bucket="ona-media")
    key = new_key("shipments/7", "pdf")
    await store.save(key, PDF, "application/pdf")
    assert await store.load(key) == PDF
