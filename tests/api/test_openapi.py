"""The OpenAPI document and the readable reference: public, complete, and true to the router."""

from __future__ import annotations

import json
import re
from typing import Any

from admin_web.api.resources import OPERATIONS

PROBLEM = "#/components/schemas/Problem"


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


async def test_the_document_is_public_and_complete(anonymous):
    reply = await anonymous.get("/openapi.json")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/json")
    doc = reply.body
    assert doc["openapi"] == "3.1.0"
    assert doc["servers"] == [{"url": "/api/v1"}]
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key made in the panel: ona_<prefix>_<secret>.",
    }
    assert {"bearerAuth": []} in doc["security"]
    documented = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
    assert documented == {(op.method, op.path) for op in OPERATIONS}
    assert len(documented) == 42
    assert ("POST", "/prices") in documented

    schemas = doc["components"]["schemas"]
    assert "$defs" not in json.dumps(doc)
    for ref in _refs(doc):
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in schemas, ref
    assert schemas["ClientInput"]["additionalProperties"] is False
    assert schemas["ClientInput"]["required"] == ["name"]
    assert set(schemas["Problem"]["properties"]) == {"type", "title", "status", "detail", "errors"}


async def test_each_operation_documents_its_input_and_problems(anonymous):
    doc = (await anonymous.get("/openapi.json")).body
    list_clients = doc["paths"]["/clients"]["get"]
    params = {p["name"]: p for p in list_clients["parameters"]}
    assert set(params) == {
        "limit",
        "cursor",
        "q",
        "manager_id",
        "city",
        "source",
        "tag",
        "consent",
        "created_after",
        "created_before",
    }
    assert params["limit"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "default": 50,
    }
    assert params["consent"]["schema"] == {"$ref": "#/components/schemas/ConsentFilter"}
    assert params["created_after"]["schema"]["format"] == "date-time"
    assert list_clients["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ClientPage"
    }

    create = doc["paths"]["/clients"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ClientInput"
    }
    assert set(create["responses"]) == {"201", "400", "401", "403", "409", "422", "429"}
    too_many = create["responses"]["429"]
    assert too_many["content"]["application/problem+json"]["schema"] == {"$ref": PROBLEM}
    assert {"Retry-After", "RateLimit-Reset"} <= set(too_many["headers"])

    get_client = doc["paths"]["/clients/{client_id}"]["get"]
    assert get_client["parameters"] == [
        {
            "name": "client_id",
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
        }
    ]
    assert set(get_client["responses"]) == {"200", "401", "403", "404", "429"}
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            assert operation["x-permission"], (method, path)
            assert {"401", "403", "429"} <= set(operation["responses"]), (method, path)


async def test_every_documented_operation_is_served(anonymous):
    doc = (await anonymous.get("/openapi.json")).body
    for path, methods in doc["paths"].items():
        concrete = re.sub(r"\{[a-z_]+\}", "1", path)
        for method in methods:
            reply = await anonymous.request(method.upper(), concrete, json={})
            # Served and guarded: the router knows it, and it asks for a key.
            assert reply.status == 401, (method, path, reply.status)


async def test_the_readable_reference(anonymous):
    reply = await anonymous.get("/docs")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/html")
    page = reply.body
    assert "<script" not in page.lower()
    assert 'href="/admin/static/panel.css"' in page
    for op in OPERATIONS:
        assert f"<code>{op.method} {op.path}</code>" in page
        assert f'id="op-{op.operation_id}"' in page
    assert 'id="problem-rate-limited"' in page
    assert 'id="schema-ClientInput"' in page
    assert "Bearer &lt;key&gt;" in page
    assert "Bearer <key>" not in page
