"""The readable reference at /api/v1/docs, rendered once from the OpenAPI document itself.

Server-rendered HTML with no script at all (the strict CSP forbids inline ones and we need
none), styled by the panel's stylesheet. Like the document it is in English: it is a
reference for the developers of integrations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from admin_web.api.problems import KINDS

TEMPLATES = Path(__file__).resolve().parent / "templates"
METHOD_ORDER = ("get", "post", "put", "patch", "delete")


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[1]


def type_label(schema: dict[str, Any]) -> Markup:
    """A schema in a few words, linking to named schemas: `array of ClientOut`, `string ≤ 200`."""
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return Markup('<a href="#schema-{0}">{0}</a>').format(name)
    if "anyOf" in schema:
        return Markup(" or ").join(type_label(option) for option in schema["anyOf"])
    if "enum" in schema:
        return Markup("one of ") + Markup(", ").join(
            Markup("<code>{}</code>").format(value) for value in schema["enum"]
        )
    kind = schema.get("type", "any")
    if kind == "array":
        label = Markup("array of ") + type_label(schema.get("items", {}))
        if "maxItems" in schema:
            label += Markup(", at most {}").format(schema["maxItems"])
        return label
    label = escape(kind)
    if "format" in schema:
        label += Markup(" ({})").format(schema["format"])
    limits = []
    if "minimum" in schema:
        limits.append(f"≥ {schema['minimum']}")
    if "maximum" in schema:
        limits.append(f"≤ {schema['maximum']}")
    if schema.get("minLength"):
        limits.append(f"length ≥ {schema['minLength']}")
    if "maxLength" in schema:
        limits.append(f"length ≤ {schema['maxLength']}")
    if limits:
        label += Markup(", ") + escape(", ".join(limits))
    return label


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for path, methods in document["paths"].items():
        for method in METHOD_ORDER:
            if method in methods:
                found.append({"path": path, "method": method.upper(), **methods[method]})
    return found


def render_docs(document: dict[str, Any]) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
    )
    env.globals["type_label"] = type_label
    env.filters["ref_name"] = _ref_name
    operations = _operations(document)
    tags = [tag["name"] for tag in document.get("tags", [])]
    return env.get_template("api_docs.html").render(
        doc=document,
        groups=[(tag, [op for op in operations if tag in op["tags"]]) for tag in tags],
        problems=list(KINDS.values()),
        schemas=document["components"]["schemas"],
    )
