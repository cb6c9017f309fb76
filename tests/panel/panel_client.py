"""A person using the panel over real HTTP: signs in, opens pages, submits forms with CSRF."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import Any

import aiohttp

from core.models import Employee, Role
from core.services.auth import hash_password

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="_csrf" value="([^"]+)"')


async def make_employee(name: str, role: Role, login: str | None = None) -> Employee:
    return await Employee.create(
        name=name,
        role=role,
        login=login or name.split()[0].lower(),
        password_hash=await hash_password(PASSWORD),
    )


class Page:
    def __init__(self, status: int, html: str, url: str, headers: Any) -> None:
        self.status, self.html, self.url, self.headers = status, html, url, headers

    def text(self, element_id: str) -> str:
        """The visible text inside the element with this id, whitespace collapsed."""
        return " ".join(_Extract(element_id).run(self.html).split())

    def rows(self, table_id: str) -> list[list[str]]:
        """Body rows of a table as the cells' visible text."""
        return _Table(table_id).run(self.html)

    def field_error(self, name: str) -> str:
        return self.text(f"field-{name}").split("\n")[-1]

    @property
    def csrf(self) -> str:
        found = CSRF.search(self.html)
        assert found, "the page has no CSRF token"
        return unescape(found.group(1))

    @property
    def body_text(self) -> str:
        return " ".join(unescape(re.sub(r"<[^>]+>", " ", self.html)).split())


class Panel:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.last: Page | None = None

    async def close(self) -> None:
        await self.http.close()

    async def open(self, path: str, **kwargs: Any) -> Page:
        async with self.http.get(self.base_url + path, allow_redirects=True, **kwargs) as r:
            self.body = await r.read()
            html = self.body.decode("utf-8", errors="replace")
            self.last = Page(r.status, html, str(r.url), r.headers)
        return self.last

    async def submit(
        self, path: str, data: dict[str, Any] | list[tuple[str, Any]], *, csrf_from: str = ""
    ) -> Page:
        """Post a form the way the browser would, with the CSRF token of the form's page."""
        source = await self.open(csrf_from) if csrf_from else self.last
        assert source is not None
        form = aiohttp.FormData(list(data.items()) if isinstance(data, dict) else data)
        form.add_field("_csrf", source.csrf)
        async with self.http.post(self.base_url + path, data=form) as r:
            self.last = Page(r.status, await r.text(), str(r.url), r.headers)
        return self.last

    async def sign_in(self, login: str, password: str = PASSWORD) -> Page:
        page = await self.submit(
            "/admin/login", {"login": login, "password": password}, csrf_from="/admin/login"
        )
        assert "/admin/login" not in page.url, page.body_text[:300]
        return page


class _Extract(HTMLParser):
    def __init__(self, element_id: str) -> None:
        super().__init__()
        self.element_id, self.depth, self.parts = element_id, 0, []

    def run(self, html: str) -> str:
        self.feed(html)
        return " ".join(self.parts)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            if tag not in {"br", "input", "img", "meta", "link", "hr"}:
                self.depth += 1
        elif dict(attrs).get("id") == self.element_id:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


class _Table(HTMLParser):
    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.inside, self.in_body = table_id, False, False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def run(self, html: str) -> list[list[str]]:
        self.feed(html)
        return self.rows

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag == "td":
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if self.inside and tag == "td" and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tbody":
            self.in_body = False
        elif tag == "table":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
