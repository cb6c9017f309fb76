"""The query counter sees every statement, and only those, on either database."""

from __future__ import annotations

import asyncio
import logging

from tortoise.transactions import in_transaction

from core.models import Client, Tag
from tests.querycount import LOGGER_NAME, count_queries


async def test_counts_each_statement_once(runtime):
    await Client.create(name="Before", phone="+2348000000001")
    with count_queries() as queries:
        await Client.create(name="Ada", phone="+2348000000002")
        assert await Client.filter(name="Ada").count() == 1
        assert len(await Client.all()) == 2
    assert queries.count == 3, queries.statements
    assert "INSERT" in queries.statements[0].upper()
    assert all("client" in statement for statement in queries.statements)


async def test_statements_inside_a_transaction_and_bulk_writes_count(runtime):
    with count_queries() as queries:
        async with in_transaction() as conn:
            await Tag.bulk_create([Tag(name="a"), Tag(name="b")], using_db=conn)
            await Tag.filter(name="a").using_db(conn).update(name="c")
    assert queries.count == 2, queries.statements
    assert await Tag.filter(name__in=["b", "c"]).count() == 2


async def test_a_block_without_queries_counts_zero_and_the_logger_is_restored(runtime):
    logger = logging.getLogger(LOGGER_NAME)
    level, handlers = logger.level, list(logger.handlers)
    with count_queries() as queries:
        pass
    assert queries.count == 0
    await Client.all().count()
    assert queries.count == 0
    assert (logger.level, logger.handlers) == (level, handlers)


async def test_other_tasks_count_unless_asked_not_to(runtime):
    async def elsewhere() -> int:
        return await Client.all().count()

    with count_queries() as everything, count_queries(only_this_task=True) as mine:
        await asyncio.gather(elsewhere(), elsewhere())
        await Client.all().count()
    assert everything.count == 3
    assert mine.count == 1
