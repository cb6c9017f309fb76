"""The OpenAPI 3.1 document, generated from the operation declarations and their models.

Every schema comes from a pydantic model (JSON Schema 2020-12, which OpenAPI 3.1 uses
as is); nested definitions are hoisted into `components.schemas`. Query models become
query parameters, path placeholders integer ids, and each operation lists the problem
responses it can give. Nothing here is written by hand per operation, so the document
cannot drift from what the router serves.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from admin_web.api.problems import PROBLEM_MEDIA_TYPE, Problem, kind_for_status
from admin_web.api.registry import TEXT_PARAM_PATTERN, HeaderParam, Operation, is_id_param
from core.services.contacts import MAX_ID

REF = "#/components/schemas/{model}"
SECURITY = [{"bearerAuth": []}, {"apiKeyHeader": []}]
RATE_HEADERS = {
    "RateLimit-Limit": "Requests allowed per minute for this key.",
    "RateLimit-Remaining": "Requests left in the current window.",
    "RateLimit-Reset": "Seconds until the window resets.",
}
DESCRIPTION = (
    "The JSON API of Ona for integrations. Authenticate with an API key "
    "(`Authorization: Bearer <key>` or `X-API-Key: <key>`); the key's role decides what it "
    "may do. Lists are paged with opaque cursors; errors are RFC 9457 problem details."
)


def _integer_header(description: str) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "integer", "minimum": 0}}


def _problem_response(status: int) -> dict[str, Any]:
    kind = kind_for_status(status)
    response: dict[str, Any] = {
        "description": kind.explanation,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": REF.format(model="Problem")}}},
    }
    if status == 401:
        response["headers"] = {
            "WWW-Authenticate": {
                "description": "The scheme to use: Bearer.",
                "schema": {"type": "string"},
            }
        }
    if status == 429:
        response["headers"] = {
            "Retry-After": _integer_header("Seconds to wait before the next request."),
            **{name: _integer_header(text) for name, text in RATE_HEADERS.items()},
        }
    return response


def _query_parameter(name: str, schema: dict[str, Any], required: bool) -> dict[str, Any]:
    """A model property as a query parameter: strings in the URL never carry null."""
    schema = copy.deepcopy(schema)
    description = schema.pop("description", None)
    schema.pop("title", None)
    if schema.get("default") is None:
        schema.pop("default", None)
    options = schema.pop("anyOf", None)
    if options is not None:
        options = [option for option in options if option.get("type") != "null"]
        if len(options) == 1:
            schema.update(options[0])
        else:
            schema["anyOf"] = options
    parameter: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": required,
        "schema": schema,
    }
    if description:
        parameter["description"] = description
    return parameter


def _path_parameter(name: str) -> dict[str, Any]:
    if not is_id_param(name):
        return {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "pattern": TEXT_PARAM_PATTERN},
        }
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    }


def _header_parameter(header: HeaderParam) -> dict[str, Any]:
    return {
        "name": header.name,
        "in": "header",
        "required": False,
        "description": header.description,
        "schema": {"type": "string", "minLength": 1, "maxLength": header.max_length},
    }


def _ref(schemas: dict[Any, Any], model: type[BaseModel], mode: JsonSchemaMode) -> dict:
    return schemas[(model, mode)]


def build_document(operations: list[Operation], version: str) -> dict[str, Any]:
    """The whole document; built once when the API starts."""
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [(Problem, "serialization")]
    for op in operations:
        wanted.append((op.response, "serialization"))
        if op.body is not None:
            wanted.append((op.body, "validation"))
        if op.query is not None:
            wanted.append((op.query, "validation"))
    wanted = list(dict.fromkeys(wanted))
    refs, definitions = models_json_schema(wanted, ref_template=REF)
    schemas: dict[str, Any] = definitions.get("$defs", {})
    query_models = {op.query for op in operations if op.query is not None}
    query_names = {refs[(model, "validation")]["$ref"].rsplit("/", 1)[1] for model in query_models}

    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        parameters = [_path_parameter(name) for name in op.path_params]
        parameters += [_header_parameter(header) for header in op.headers]
        if op.query is not None:
            query_schema = schemas[refs[(op.query, "validation")]["$ref"].rsplit("/", 1)[1]]
            required = set(query_schema.get("required", []))
            parameters += [
                _query_parameter(name, prop, name in required)
                for name, prop in query_schema.get("properties", {}).items()
            ]
        success = {
            "description": op.response.__doc__.strip().splitlines()[0]
            if op.response.__doc__
            else "OK",
            "headers": {name: _integer_header(text) for name, text in RATE_HEADERS.items()},
            "content": {"application/json": {"schema": _ref(refs, op.response, "serialization")}},
        }
        statuses = sorted({op.status, *op.other_statuses})
        responses: dict[str, Any] = {str(s): copy.deepcopy(success) for s in statuses}
        for status in op.problem_statuses:
            responses[str(status)] = _problem_response(status)
        operation: dict[str, Any] = {
            "operationId": op.operation_id,
            "summary": op.summary,
            "tags": [op.tag],
            "security": SECURITY,
            "x-permission": op.permission.value,
            "responses": responses,
        }
        if op.description:
            operation["description"] = op.description
        if parameters:
            operation["parameters"] = parameters
        if op.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _ref(refs, op.body, "validation")}},
            }
        paths.setdefault(op.path, {})[op.method.lower()] = operation

    for name in query_names:
        schemas.pop(name, None)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Ona API", "version": version, "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "security": SECURITY,
        "tags": [{"name": tag} for tag in dict.fromkeys(op.tag for op in operations)],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API key made in the panel: ona_<prefix>_<secret>.",
                },
                "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            },
        },
    }
