"""Property-based run of the whole API from its own OpenAPI document (schemathesis).

Valid and invalid requests are generated for every operation and sent to the running app
with an admin key; every answer must be no server error, have a documented status, media
type, headers and body shape, and invalid input must be refused.

Schemathesis is synchronous (requests), while the app under test runs on this test's event
loop; the run therefore happens in a worker thread (`asyncio.to_thread`), so the loop keeps
serving the requests the thread makes.
"""

from __future__ import annotations

import asyncio

import hypothesis
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.models import Carrier, Client

EXAMPLES_PER_OPERATION = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
]


def fuzz(schema_url: str, api_url: str, key: str) -> tuple[int, list[str]]:
    """Run every operation in both modes; (cases sent, failure reports)."""
    schema = schemathesis.openapi.from_url(schema_url, timeout=10)
    session = requests.Session()
    headers = {"Authorization": f"Bearer {key}"}
    failures: list[str] = []
    sent = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @hypothesis.settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
                phases=[Phase.explicit, Phase.generate, Phase.shrink],
            )
            @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
            def run(case) -> None:
                nonlocal sent
                sent += 1
                case.call_and_validate(
                    base_url=api_url, session=session, headers=headers, checks=CHECKS
                )

            try:
                run()
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis' FailureGroup
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    session.close()
    return sent, failures


async def test_generated_requests_get_documented_answers(runtime, make_key, rate_limit):
    rate_limit(1_000_000)
    key = await make_key()
    # Some rows to find, so reads and changes also reach their success paths.
    for number in range(3):
        await Client.create(name=f"Client {number}", phone=f"+23480312345{number:02d}")
        await Carrier.create(name=f"Carrier {number}", modes=["road"])

    sent, failures = await asyncio.to_thread(
        fuzz, runtime.base_url + "/api/v1/openapi.json", runtime.base_url + "/api/v1", key
    )

    assert not failures, "\n\n".join(failures)
    assert sent >= 200
