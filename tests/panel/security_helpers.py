"""A bare HTTP visitor for the security tests: sees every cookie and header, follows nothing
unless asked, and can replay a cookie it was given earlier."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html import unescape
from http.cookies import Morsel, SimpleCookie
from typing import Any

import aiohttp
from multidict import CIMultiDictProxy
from yarl import URL

from core.models import Employee, Role
from core.services.auth import hash_password

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="_csrf" value="([^"]+)"')
SESSION_COOKIE = "ona_session"


async def make_staff(name: str, role: Role, login: str) -> Employee:
    return await Employee.create(
        name=name, role=role, login=login, password_hash=await hash_password(PASSWORD)
    )


@dataclass
class Answer:
    status: int
    html: str
    headers: CIMultiDictProxy[str]
    set_cookies: SimpleCookie
    url: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    @property
    def csrf(self) -> str:
        found = CSRF.search(self.html)
        assert found, "the page has no CSRF token"
        return unescape(found.group(1))

    @property
    def text(self) -> str:
        """What a reader sees: tags stripped, entities decoded, whitespace collapsed."""
        return " ".join(unescape(re.sub(r"<[^>]+>", " ", self.html)).split())

    def cookie(self, name: str) -> Morsel:
        assert name in self.set_cookies, f"no Set-Cookie for {name}: {self.headers}"
        return self.set_cookies[name]


class Visitor:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def close(self) -> None:
        await self.http.close()

    def cookie(self, name: str = SESSION_COOKIE) -> str | None:
        for morsel in self.http.cookie_jar:
            if morsel.key == name:
                return morsel.value
        return None

    def set_cookie(self, value: str, name: str = SESSION_COOKIE) -> None:
        self.http.cookie_jar.clear_domain(self._host)
        cookie = SimpleCookie()
        cookie[name] = value
        cookie[name]["path"] = "/admin"
        self.http.cookie_jar.update_cookies(cookie, URL(self.base_url))

    @property
    def _host(self) -> str:
        return URL(self.base_url).host or ""

    async def request(self, method: str, path: str, *, follow: bool = False, **kw: Any) -> Answer:
        async with self.http.request(
            method, self.base_url + path, allow_redirects=follow, **kw
        ) as r:
            cookies = SimpleCookie()
            for header in r.headers.getall("Set-Cookie", []):
                cookies.load(header)
            return Answer(r.status, await r.text(), r.headers, cookies, str(r.url))

    async def get(self, path: str, **kw: Any) -> Answer:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, data: dict[str, str], *, csrf: str | None, **kw) -> Answer:
        form = dict(data)
        if csrf is not None:
            form["_csrf"] = csrf
        return await self.request("POST", path, data=form, **kw)

    async def form_post(self, page: str, path: str, data: dict[str, str], **kw) -> Answer:
        """Open `page` and post `data` to `path` with that page's CSRF token, like a form."""
        return await self.post(path, data, csrf=(await self.get(page)).csrf, **kw)

    async def try_sign_in(self, login: str, password: str = PASSWORD) -> Answer:
        return await self.form_post(
            "/admin/login", "/admin/login", {"login": login, "password": password}
        )

    async def sign_in(self, login: str, password: str = PASSWORD) -> Answer:
        answer = await self.try_sign_in(login, password)
        assert answer.status == 302, answer.text[:300]
        assert not answer.location.startswith("/admin/login"), answer.location
        return answer


class MovableClock:
    """Stands in for the runtime clock: time stands still until the test moves it."""

    def __init__(self) -> None:
        self.start = dt.datetime.now(dt.UTC)
        self.offset = dt.timedelta(0)

    def now(self) -> dt.datetime:
        return self.start + self.offset
