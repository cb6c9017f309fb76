"""Count the SQL statements Tortoise runs during a block, on SQLite and PostgreSQL alike.

Every Tortoise backend logs each statement it executes at DEBUG on the "tortoise.db_client"
logger from its `execute_*` methods (`execute_query`, `execute_query_dict`, `execute_insert`,
`execute_many`, `execute_script`), before running it. Connection set-up and teardown are
logged there too, from other methods, so only records coming from an `execute_*` method are
counted. Transaction control (BEGIN, COMMIT, ROLLBACK, savepoints) is not logged by Tortoise
and therefore not counted: a count is "statements the code asked for".

Use it to prove that a page or a service does not run more queries as the data grows:

    with count_queries() as queries:
        await list_something()
    assert queries.count == 3, queries.statements
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

LOGGER_NAME = "tortoise.db_client"


@dataclass
class QueryLog:
    """What ran inside the block: the statements, in order, each as Tortoise logged it."""

    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def __len__(self) -> int:
        return len(self.statements)


class _Recorder(logging.Handler):
    def __init__(self, log: QueryLog, task: asyncio.Task | None) -> None:
        super().__init__(level=logging.DEBUG)
        self.log = log
        self.task = task

    def emit(self, record: logging.LogRecord) -> None:
        if not record.funcName.startswith("execute"):
            return
        if self.task is not None and _current_task() is not self.task:
            return
        self.log.statements.append(record.getMessage())


def _current_task() -> asyncio.Task | None:
    try:
        return asyncio.current_task()
    except RuntimeError:
        return None


@contextmanager
def count_queries(*, only_this_task: bool = False) -> Iterator[QueryLog]:
    """Record every statement executed while the block runs.

    By default statements from every task count, so a request served by the running app (in
    aiohttp's own task) is measured too. `only_this_task=True` ignores statements from other
    tasks (a scheduler job firing meanwhile), for blocks that call services directly.
    A plain context manager, used around awaits: `with count_queries() as queries:`.
    """
    log = QueryLog()
    logger = logging.getLogger(LOGGER_NAME)
    recorder = _Recorder(log, _current_task() if only_this_task else None)
    previous_level = logger.level
    logger.addHandler(recorder)
    logger.setLevel(logging.DEBUG)
    try:
        yield log
    finally:
        logger.setLevel(previous_level)
        logger.removeHandler(recorder)
