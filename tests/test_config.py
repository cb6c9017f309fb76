"""Bad configuration: one clear line on stderr, exit code 2, no traceback."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from core.config import ConfigError, load_settings

MAIN = str(Path(__file__).resolve().parent.parent / "main.py")
GOOD = {"SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://:memory:"}


async def run_main(*args: str, **env: str) -> tuple[int, str]:
    """Run main.py in a folder without a .env, with only the given settings."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM", "VIBER", "REDIS", "DATABASE", "PUBLIC"))
    }
    environment.update(GOOD)
    environment.update(env)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        MAIN,
        *args,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd="/tmp",
    )
    _out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode, err.decode()


CASES = [
    ({"DATABASE_URL": "mysql://db/ona"}, "DATABASE_URL"),
    ({"DATABASE_URL": "postgres:///nohost"}, "DATABASE_URL"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ({"TELEGRAM_BOT_TOKEN": "123:abc", "TELEGRAM_MODE": "webhook"}, "TELEGRAM_WEBHOOK_SECRET"),
    (
        {
            "TELEGRAM_BOT_TOKEN": "123:abc",
            "TELEGRAM_MODE": "webhook",
            "TELEGRAM_WEBHOOK_SECRET": "s3cret",
        },
        "PUBLIC_URL",
    ),
    ({"TELEGRAM_MODE": "carrier-pigeon"}, "TELEGRAM_MODE"),
    ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN"),
    ({"TIMEZONE": "Mars/Olympus"}, "TIMEZONE"),
    ({"PORT": "eighty"}, "PORT"),
    ({"REDIS_URL": "http://cache"}, "REDIS_URL"),
]


@pytest.mark.parametrize(("env", "expected"), CASES)
def test_bad_setting_is_named_in_one_line(env, expected, monkeypatch):
    for key in list(os.environ):
        if key.startswith(("TELEGRAM", "VIBER", "REDIS", "DATABASE", "PUBLIC")):
            monkeypatch.delenv(key)
    monkeypatch.chdir("/tmp")
    values = {**GOOD, **env}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DATABASE_URL": "mysql://db/ona"}, "DATABASE_URL"),
        ({"REDIS_URL": "redis://127.0.0.1:1/0"}, "REDIS_URL: cannot reach Redis"),
    ],
)
async def test_bad_configuration_exits_with_code_2(env, expected):
    code, err = await run_main("serve", **env)
    assert code == 2, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("Configuration error:")
    assert expected in lines[0]
