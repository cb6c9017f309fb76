"""`main.py seed-demo --size large`: the reports' data set, from the command line, into an
empty database only (here at a thousandth of the issue's sizes, on SQLite)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from pathlib import Path

MAIN = str(Path(__file__).resolve().parents[2] / "main.py")


async def _seed(database: Path, *args: str) -> tuple[int, str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM", "VIBER", "REDIS", "DATABASE", "PUBLIC"))
    }
    environment.update(SECRET_KEY="k" * 40, DATABASE_URL=f"sqlite://{database}")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        MAIN,
        "seed-demo",
        "--size",
        "large",
        *args,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd="/tmp",
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=240)
    return process.returncode or 0, out.decode(), err.decode()


async def test_the_large_data_set_fills_an_empty_database_and_refuses_a_full_one(tmp_path):
    database = tmp_path / "large.sqlite3"
    code, out, _err = await _seed(database, "--scale", "0.001")
    assert code == 0
    assert "Sign in as: admin / " in out
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM quote_request").fetchone() == (1000,)
        assert db.execute("SELECT COUNT(*) FROM sales_order").fetchone() == (400,)
        admin = db.execute("SELECT role, password_hash FROM employee WHERE login = 'admin'")
        role, password_hash = admin.fetchone()
        assert role == "admin" and password_hash.startswith("$argon2id$")

    code, out, err = await _seed(database, "--scale", "0.001")
    assert code == 1
    assert "The large data set goes into an empty database only." in err
    code, out, err = await _seed(database, "--scale", "0.001", "--if-empty")
    assert (code, out) == (0, "")
