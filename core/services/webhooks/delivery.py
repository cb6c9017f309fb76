"""The delivery worker: sends queued webhook deliveries, signs them, retries with back-off.

Workers claim due deliveries in batches in a short transaction (`FOR UPDATE SKIP LOCKED` on
PostgreSQL, so several workers never take the same row) and lease them by moving
`next_attempt_at` past the send timeout; the claim commits before any request is sent, so
no database connection waits on the network. A worker that dies mid-send leaves its lease
to expire and another one sends again: delivery is at least once, and receivers de-duplicate
by the `Ona-Delivery` header.

Every attempt is recorded. 2xx is success; anything else (redirects are not followed, a
timeout, a refused connection) is retried after a delay drawn uniformly from zero to a
ceiling that doubles from `base_delay` up to `max_delay` ("full jitter"), until `max_age`
after the delivery was queued; the last attempt is made at that mark at the latest, and if
it fails too the delivery is marked failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import random
import time
from dataclasses import dataclass

import aiohttp
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.models import DeliveryState, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from core.ports import Clock, TaskSupervisor
from core.services.webhooks.outbox import add_waker, any_active_endpoint, remove_waker
from core.services.webhooks.signing import signature

log = logging.getLogger(__name__)

USER_AGENT = "Ona-Webhooks/1"
MAX_RESPONSE_CHARS = 2000
# Enough bytes for MAX_RESPONSE_CHARS characters of UTF-8; the rest of a body is not read.
_MAX_RESPONSE_BYTES = MAX_RESPONSE_CHARS * 4
BASE_DELAY = dt.timedelta(seconds=30)
MAX_DELAY = dt.timedelta(hours=2)


def retry_ceiling(
    attempt: int, base: dt.timedelta = BASE_DELAY, cap: dt.timedelta = MAX_DELAY
) -> dt.timedelta:
    """The longest wait after the `attempt`-th failed attempt (1-based): base·2^(n-1), capped."""
    return min(cap, base * 2 ** min(max(attempt, 1) - 1, 32))


@dataclass(frozen=True, slots=True)
class Outcome:
    status: int | None
    body: str
    error: str
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _Gone(Exception):
    """The delivery disappeared (its endpoint was deleted) while it was being sent."""


@dataclass(frozen=True, slots=True)
class _Target:
    url: str
    secret: str


class WebhookSender:
    """One per worker process; main.py starts it and stops it.

    `deliver_due()` is one round (claim a batch, send it, record it) and is what the
    long-running loop repeats: woken at once when a delivery commits in this process, and at
    least every `poll_interval` seconds for those queued by other processes or due later.
    """

    def __init__(
        self,
        supervisor: TaskSupervisor,
        clock: Clock,
        *,
        timeout: float = 10.0,
        max_age: dt.timedelta = dt.timedelta(hours=24),
        poll_interval: float = 5.0,
        batch_size: int = 50,
        concurrency: int = 10,
        base_delay: dt.timedelta = BASE_DELAY,
        max_delay: dt.timedelta = MAX_DELAY,
        rng: random.Random | None = None,
    ) -> None:
        self.supervisor = supervisor
        self.clock = clock
        self.timeout = timeout
        self.max_age = max_age
        self.poll_interval = poll_interval
        self.batch_size = batch_size
        self.base_delay = base_delay
        self.max_delay = max_delay
        # A batch is sent in waves of `concurrency`, each wave within `timeout`: the lease
        # outlives the whole batch, so no other worker sends a claimed delivery meanwhile.
        waves = -(-batch_size // concurrency)
        self.lease = dt.timedelta(seconds=timeout * waves + 60)
        self._rng = rng or random.Random()
        self._limit = asyncio.Semaphore(concurrency)
        self._concurrency = concurrency
        self._session: aiohttp.ClientSession | None = None
        self._wake = asyncio.Event()
        self._stopping = False
        self._stopped: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Run the delivery loop under the supervisor until `stop()`."""
        if self._stopped is not None and not self._stopped.is_set():
            return
        self._stopping = False
        self._stopped = asyncio.Event()
        add_waker(self.wake)
        self._wake.set()  # deliver whatever is already due
        self.supervisor.spawn(self._run(), name="webhook-sender", long_running=True)

    async def stop(self, grace: float = 5.0) -> None:
        """Let the round in flight finish within `grace` seconds, then cancel it and close.

        A cancelled send is not lost: its lease expires and it is sent again.
        """
        remove_waker(self.wake)
        self._stopping = True
        self._wake.set()
        if self._stopped is not None and not self._stopped.is_set():
            try:
                async with asyncio.timeout(grace):
                    await self._stopped.wait()
            except TimeoutError:
                if self._task is not None:
                    self._task.cancel()
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(grace):
                            await self._stopped.wait()
        if self._session is not None:
            await self._session.close()
            self._session = None

    def wake(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        assert self._stopped is not None
        self._task = asyncio.current_task()  # type: ignore[assignment]
        try:
            while not self._stopping:
                self._wake.clear()
                try:
                    claimed = await self.deliver_due()
                except Exception:
                    log.exception("Webhook delivery round failed; retrying at the next poll")
                    claimed = 0
                if self._stopping:
                    break
                if claimed >= self.batch_size:
                    continue  # more may be due right now
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.poll_interval):
                        await self._wake.wait()
        finally:
            self._task = None
            self._stopped.set()

    # -- one round -------------------------------------------------------------------------

    async def deliver_due(self) -> int:
        """Claim up to `batch_size` due deliveries, send them, record each attempt.

        Returns how many were claimed.
        """
        if not await any_active_endpoint():
            return 0
        now = self.clock.now()
        claimed, targets = await self._claim(now)
        if claimed:
            await asyncio.gather(
                *(
                    self._deliver(delivery, targets[delivery.endpoint_id])  # type: ignore[attr-defined]
                    for delivery in claimed
                )
            )
        return len(claimed)

    async def _claim(self, now: dt.datetime) -> tuple[list[WebhookDelivery], dict[int, _Target]]:
        # Read outside the claim's transaction: it then locks only webhook_delivery rows, for
        # as short a time as possible.
        endpoints = {
            endpoint_id: _Target(url, secret)
            for endpoint_id, url, secret in await WebhookEndpoint.filter(
                is_active=True
            ).values_list("id", "url", "secret")
        }
        if not endpoints:
            return [], {}
        async with in_transaction() as conn:
            # A deactivated endpoint's deliveries wait, and resume if it is switched back on.
            claimed = (
                await WebhookDelivery.filter(
                    state=DeliveryState.PENDING,
                    next_attempt_at__lte=now,
                    endpoint_id__in=list(endpoints),
                )
                .order_by("next_attempt_at", "id")
                .limit(self.batch_size)
                .select_for_update(skip_locked=True)
                .using_db(conn)
            )
            if claimed:
                await (
                    WebhookDelivery.filter(id__in=[d.id for d in claimed])
                    .using_db(conn)
                    .update(next_attempt_at=now + self.lease)
                )
        return claimed, endpoints

    async def _deliver(self, delivery: WebhookDelivery, target: _Target) -> None:
        try:
            async with self._limit:
                now = self.clock.now()
                outcome = await self.send(target.url, target.secret, delivery, now)
            await self._record(delivery, outcome, now)
        except Exception:
            log.exception("Webhook delivery %s could not be recorded", delivery.id)

    async def send(
        self, url: str, secret: str, delivery: WebhookDelivery, now: dt.datetime
    ) -> Outcome:
        """POST the delivery's payload once and report what happened; never raises for HTTP."""
        body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
        timestamp = str(int(now.timestamp()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Ona-Event": delivery.event,
            "Ona-Delivery": delivery.event_id,
            "Ona-Timestamp": timestamp,
            "Ona-Signature": signature(secret, timestamp, body),
        }
        started = time.perf_counter()
        status: int | None = None
        text = error = ""
        try:
            async with self._http().post(
                url,
                data=body,
                headers=headers,
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as response:
                status = response.status
                text = await _read_start(response)
        except TimeoutError:
            error = f"No answer within {self.timeout:g} s"
        except aiohttp.ClientError as exc:
            error = f"{type(exc).__name__}: {exc}"
        except (OSError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        duration_ms = round((time.perf_counter() - started) * 1000)
        return Outcome(status, text, error[:300], duration_ms)

    async def _record(self, delivery: WebhookDelivery, outcome: Outcome, now: dt.datetime) -> None:
        attempts = delivery.attempts + 1
        next_attempt_at: dt.datetime | None = None
        if outcome.succeeded:
            state = DeliveryState.SUCCEEDED
        else:
            deadline = delivery.created_at + self.max_age
            if now >= deadline:
                state = DeliveryState.FAILED
            else:
                state = DeliveryState.PENDING
                next_attempt_at = min(now + self._retry_delay(attempts), deadline)
        try:
            async with in_transaction() as conn:
                # The attempt before the delivery: children first, the table order a TRUNCATE
                # of both takes its locks in, so the two never wait on each other in a cycle.
                await WebhookAttempt.create(
                    delivery_id=delivery.id,
                    status_code=outcome.status,
                    response_body=outcome.body,
                    error=outcome.error,
                    duration_ms=outcome.duration_ms,
                    created_at=now,
                    using_db=conn,
                )
                updated = await (
                    WebhookDelivery.filter(id=delivery.id, state=DeliveryState.PENDING)
                    .using_db(conn)
                    .update(state=state, attempts=attempts, next_attempt_at=next_attempt_at)
                )
                if not updated:
                    raise _Gone()
        except (_Gone, IntegrityError):
            return  # deleted with its endpoint while we were sending
        log.info(
            "Webhook %s (%s) to endpoint %s: %s after attempt %d",
            delivery.id,
            delivery.event,
            delivery.endpoint_id,  # type: ignore[attr-defined]
            state.value,
            attempts,
        )

    def _retry_delay(self, attempts: int) -> dt.timedelta:
        ceiling = retry_ceiling(attempts, self.base_delay, self.max_delay)
        return dt.timedelta(seconds=self._rng.uniform(0, ceiling.total_seconds()))

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            # No cookie jar: one receiver's cookies must never reach another.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._concurrency),
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session


async def _read_start(response: aiohttp.ClientResponse) -> str:
    """The first MAX_RESPONSE_CHARS characters of the body, reading no more than needed."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(4096):
        chunks.append(chunk)
        size += len(chunk)
        if size >= _MAX_RESPONSE_BYTES:
            break
    raw = b"".join(chunks)[:_MAX_RESPONSE_BYTES]
    return raw.decode("utf-8", errors="replace")[:MAX_RESPONSE_CHARS]
