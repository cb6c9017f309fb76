"""The panel's security claims, each measured over real HTTP against the running app:
argon2id parameters, server-side sessions and their cookie, timeouts, sign-out, CSRF,
sign-in throttling, the TOTP second factor, the per-user language, security headers and
escaping of user data."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import re
from collections.abc import AsyncIterator, Callable
from html.parser import HTMLParser
from pathlib import Path

import aiohttp
import pyotp
import pytest
from aiohttp import web
from argon2 import PasswordHasher

from admin_web.app import create_app
from core.models import AuditLog, Client, Employee, LoginAttempt, PanelSession, Role
from core.services import totp
from core.services.auth import create_admin, purge_security_records
from core.services.login_throttle import delay_after
from tests.panel.security_helpers import PASSWORD, MovableClock, Visitor, make_staff

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
ARGON2 = re.compile(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[^$]+\$[^$]+$")
WRONG = "Wrong login or password."


@pytest.fixture
async def visitors(runtime) -> AsyncIterator[Callable[[], Visitor]]:
    opened: list[Visitor] = []

    def new() -> Visitor:
        opened.append(Visitor(runtime.base_url))
        return opened[-1]

    yield new
    for visitor in opened:
        await visitor.close()


@pytest.fixture
async def visitor(visitors) -> Visitor:
    return visitors()


@pytest.fixture
def clock(runtime, monkeypatch) -> MovableClock:
    """Time stands still for the panel until the test moves it."""
    movable = MovableClock()
    monkeypatch.setattr(runtime.clock, "now", movable.now)
    return movable


def argon2_parameters(encoded: str) -> tuple[int, int, int]:
    found = ARGON2.fullmatch(encoded)
    assert found, encoded
    memory, time_cost, parallelism = (int(part) for part in found.groups())
    return memory, time_cost, parallelism


async def session_row(token: str | None) -> PanelSession:
    assert token
    return await PanelSession.get(token_hash=hashlib.sha256(token.encode()).hexdigest())


async def actions() -> list[str]:
    return [entry.action for entry in await AuditLog.all().order_by("id")]


def csp(headers) -> dict[str, str]:
    policy = headers["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in policy.split(";"))
        if part
    }


# Passwords ------------------------------------------------------------------------------


async def test_passwords_are_argon2id_with_explicit_parameters_and_rehashed(visitor):
    admin, _ = await create_admin("Ada Admin", "ada", PASSWORD)
    memory, time_cost, parallelism = argon2_parameters(admin.password_hash)
    assert memory >= 19456 and time_cost >= 2 and parallelism == 1

    # A hash made with weaker, older parameters is replaced at the next sign-in.
    legacy = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=2).hash(PASSWORD)
    await Employee.filter(id=admin.id).update(password_hash=legacy)
    await visitor.sign_in("ada")
    rehashed = (await Employee.get(id=admin.id)).password_hash
    assert rehashed != legacy
    assert argon2_parameters(rehashed) == (memory, time_cost, parallelism)
    await visitor.sign_in("ada")  # and the new hash still opens the account


# Sessions -------------------------------------------------------------------------------


async def test_the_cookie_holds_only_a_random_token_with_safe_flags(visitor):
    await make_staff("Mary Manager", Role.MANAGER, "mary")
    login_page = await visitor.get("/admin/login")
    assert "ona_session" not in login_page.set_cookies
    anonymous = login_page.cookie("ona_csrf")
    assert anonymous["httponly"] and anonymous["samesite"] == "Lax"
    assert anonymous["path"] == "/admin"

    answer = await visitor.sign_in("mary")
    cookie = answer.cookie("ona_session")
    assert TOKEN.fullmatch(cookie.value)
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/admin"
    assert not cookie["secure"]  # PUBLIC_URL is http:// in the tests
    assert cookie["max-age"] == str(12 * 3600)
    assert answer.cookie("ona_csrf")["max-age"] == "0"  # the anonymous token is dropped

    row = await session_row(cookie.value)
    employee = await Employee.get(login="mary")
    assert row.employee_id == employee.id and row.ended_at is None
    assert row.csrf != cookie.value and row.token_hash != cookie.value
    assert (await visitor.get("/admin/clients")).status == 200


async def test_secure_cookie_and_hsts_when_served_over_https(runtime):
    await make_staff("Mary Manager", Role.MANAGER, "mary")
    settings = runtime.settings.model_copy(update={"public_url": "https://crm.example.com"})
    app = create_app(settings, runtime.i18n, runtime.health)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        # No cookie jar: a client keeps Secure cookies away from http://, so we carry it.
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
            async with http.get(f"{base}/admin/login") as page:
                anonymous = page.cookies["ona_csrf"]
                assert anonymous["secure"] is True
                assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
                token = re.search(r'name="_csrf" value="([^"]+)"', await page.text())[1]
            async with http.post(
                f"{base}/admin/login",
                data={"login": "mary", "password": PASSWORD, "_csrf": token},
                headers={"Cookie": f"ona_csrf={anonymous.value}"},
                allow_redirects=False,
            ) as signed_in:
                assert signed_in.status == 302
                cookie = signed_in.cookies["ona_session"]
                assert cookie["secure"] is True and cookie["httponly"] is True
    finally:
        await runner.cleanup()


async def test_every_sign_in_issues_a_new_token_and_ends_the_old_session(visitors):
    await make_staff("Mary Manager", Role.MANAGER, "mary")
    browser = visitors()
    planted = "p" * 43  # a token an attacker set beforehand is never adopted
    browser.set_cookie(planted)
    await browser.sign_in("mary")
    first = browser.cookie()
    assert first and first != planted

    await browser.sign_in("mary")
    second = browser.cookie()
    assert second and second != first
    assert (await session_row(first)).ended_at is not None
    assert (await session_row(second)).ended_at is None

    replay = visitors()
    replay.set_cookie(first)
    answer = await replay.get("/admin/clients")
    assert answer.status == 302
    assert answer.location == "/admin/login?next=/admin/clients&expired=1"


async def test_sign_out_ends_the_session_on_the_server(visitors):
    await make_staff("Mary Manager", Role.MANAGER, "mary")
    browser = visitors()
    await browser.sign_in("mary")
    token = browser.cookie()
    page = await browser.get("/admin/clients")
    signed_out = await browser.post("/admin/logout", {}, csrf=page.csrf)
    assert signed_out.status == 302 and signed_out.location == "/admin/login"
    assert signed_out.cookie("ona_session")["max-age"] == "0"
    assert (await session_row(token)).ended_at is not None

    # Someone who copied the cookie before sign-out replays it: nothing opens, nothing runs.
    thief = visitors()
    thief.set_cookie(token)
    for path in ("/admin/clients", "/admin/account", "/admin/"):
        answer = await thief.get(path)
        assert answer.status == 302 and answer.location.startswith("/admin/login?")
    posted = await thief.post("/admin/account/language", {"language": "ru"}, csrf=page.csrf)
    assert posted.status == 302 and posted.location.startswith("/admin/login")
    assert (await Employee.get(login="mary")).language == "en"
    assert await actions() == ["auth.signed_in", "auth.signed_out"]


async def test_idle_timeout_ends_the_session_with_a_notice(visitor):
    await make_staff("Mary Manager", Role.MANAGER, "mary")
    await visitor.sign_in("mary")
    row = await session_row(visitor.cookie())
    now = dt.datetime.now(dt.UTC)

    await PanelSession.filter(id=row.id).update(last_seen_at=now - dt.timedelta(minutes=29))
    assert (await visitor.get("/admin/clients")).status == 200
    refreshed = await PanelSession.get(id=row.id)
    assert refreshed.last_seen_at >= now - dt.timedelta(seconds=5)

    await PanelSession.filter(id=row.id).update(last_seen_at=now - dt.timedelta(minutes=31))
    answer = await visitor.get("/admin/clients")
    assert answer.status == 302
    assert answer.location == "/admin/login?next=/admin/clients&expired=1"
    assert (await PanelSession.get(id=row.id)).ended_at is not None
    notice = await visitor.get(answer.location)
    assert "Your session has ended. Please sign in again." in notice.text
    # The stale cookie was dropped with the redirect: the next visit is a plain one.
    again = await visitor.get("/admin/clients")
    assert again.location == "/admin/login?next=/admin/clients"


async def test_absolute_timeout_ends_even_an_active_session(visitor):
    await make_staff("Mary Manager", Role.MANAGER, "mary")
    await visitor.sign_in("mary")
    row = await session_row(visitor.cookie())
    now = dt.datetime.now(dt.UTC)

    await PanelSession.filter(id=row.id).update(
        created_at=now - dt.timedelta(hours=11, minutes=59)
    )
    assert (await visitor.get("/admin/clients")).status == 200

    await PanelSession.filter(id=row.id).update(
        created_at=now - dt.timedelta(hours=12, minutes=1), last_seen_at=now
    )
    answer = await visitor.get("/admin/clients")
    assert answer.status == 302 and answer.location.endswith("&expired=1")
    assert (await PanelSession.get(id=row.id)).ended_at is not None


async def test_last_seen_is_written_at_most_once_a_minute(visitor):
    await make_staff("Mary Manager", Role.MANAGER, "mary")
    await visitor.sign_in("mary")
    row = await session_row(visitor.cookie())
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    recent = now - dt.timedelta(seconds=30)
    await PanelSession.filter(id=row.id).update(last_seen_at=recent)
    for _ in range(3):
        assert (await visitor.get("/admin/clients")).status == 200
    assert (await PanelSession.get(id=row.id)).last_seen_at == recent

    older = now - dt.timedelta(seconds=61)
    await PanelSession.filter(id=row.id).update(last_seen_at=older)
    assert (await visitor.get("/admin/clients")).status == 200
    assert (await PanelSession.get(id=row.id)).last_seen_at >= now


async def test_sign_out_other_sessions(visitors):
    await make_staff("Mary Manager", Role.MANAGER, "mary")
    laptop, phone = visitors(), visitors()
    await laptop.sign_in("mary")
    await phone.sign_in("mary")
    page = await laptop.get("/admin/account")
    assert len(re.findall(r"<tr>\s*<td>", page.html)) == 2
    assert "this browser" in page.text

    answer = await laptop.post("/admin/account/sessions/end-others", {}, csrf=page.csrf)
    assert answer.status == 302 and answer.location == "/admin/account?done=sessions"
    assert (await phone.get("/admin/clients")).status == 302
    assert (await laptop.get("/admin/clients")).status == 200
    assert "auth.other_sessions_ended" in await actions()


# CSRF -----------------------------------------------------------------------------------


async def test_state_changing_requests_need_the_session_csrf_token(visitors):
    await make_staff("Mary Manager", Role.MANAGER, "mary")
    mary, other = visitors(), visitors()
    await mary.sign_in("mary")
    await make_staff("Otto Other", Role.MANAGER, "otto")
    await other.sign_in("otto")
    foreign = (await other.get("/admin/account")).csrf

    for token in (None, "", "forged", foreign):
        answer = await mary.post("/admin/account/language", {"language": "ru"}, csrf=token)
        assert answer.status == 403
    assert (await Employee.get(login="mary")).language == "en"

    own = (await mary.get("/admin/account")).csrf
    answer = await mary.request(
        "POST",
        "/admin/account/language",
        data={"language": "ru"},
        headers={"X-CSRF-Token": own},
    )
    assert answer.status == 302
    assert (await Employee.get(login="mary")).language == "ru"


async def test_the_sign_in_form_token_is_bound_to_its_browser(visitors):
    await make_staff("Mary Manager", Role.MANAGER, "mary")
    attacker, victim = visitors(), visitors()
    attacker_token = (await attacker.get("/admin/login")).csrf
    await victim.get("/admin/login")
    answer = await victim.post(
        "/admin/login", {"login": "mary", "password": PASSWORD}, csrf=attacker_token
    )
    assert answer.status == 403
    assert not await PanelSession.exists()


# Throttling -----------------------------------------------------------------------------


def test_the_delay_grows_from_15_seconds_to_15_minutes():
    assert [delay_after(n).total_seconds() for n in range(9, 18)] == [
        0,
        15,
        30,
        60,
        120,
        240,
        480,
        900,
        900,
    ]


async def test_ten_failures_then_a_growing_delay(visitor, clock):
    await make_staff("Mary Manager", Role.MANAGER, "mary")
    for _ in range(10):
        answer = await visitor.try_sign_in("mary", "not the password")
        assert answer.status == 401 and WRONG in answer.text

    refused = await visitor.try_sign_in("mary")  # even the right password waits
    assert refused.status == 429
    assert "Too many attempts. Try again in 15 seconds." in refused.text
    assert refused.headers["Retry-After"] == "15"
    assert await LoginAttempt.filter(succeeded=False).count() == 10  # refusals are free
    assert not await PanelSession.exists()

    clock.offset += dt.timedelta(seconds=14)
    assert (await visitor.try_sign_in("mary")).status == 429
    clock.offset += dt.timedelta(seconds=1)
    await visitor.sign_in("mary")

    # The success ends the streak; ten more failures start it again, and it grows.
    for _ in range(10):
        assert (await visitor.try_sign_in("mary", "wrong again")).status == 401
    clock.offset += dt.timedelta(seconds=15)
    assert (await visitor.try_sign_in("mary", "wrong once more")).status == 401
    refused = await visitor.try_sign_in("mary")
    assert "Too many attempts. Try again in 30 seconds." in refused.text
    failures = await AuditLog.filter(action="auth.sign_in_failed").count()
    assert failures == 21


async def test_parallel_guesses_do_not_slip_past_the_limit(visitors, clock):
    await make_staff("Mary Manager", Role.MANAGER, "mary")
    await LoginAttempt.bulk_create(
        [LoginAttempt(login="mary", succeeded=False, created_at=clock.now()) for _ in range(9)]
    )
    guessers = [visitors() for _ in range(6)]
    tokens = [(await guesser.get("/admin/login")).csrf for guesser in guessers]
    answers = await asyncio.gather(
        *(
            guesser.post("/admin/login", {"login": "mary", "password": f"guess {i}"}, csrf=token)
            for i, (guesser, token) in enumerate(zip(guessers, tokens, strict=True))
        )
    )
    # Only the tenth failure gets its password checked; the rest wait like anyone else.
    assert sorted(answer.status for answer in answers) == [401, 429, 429, 429, 429, 429]
    assert await LoginAttempt.filter(login="mary").count() == 10


async def test_unknown_logins_get_the_same_answers(visitor, clock):
    await make_staff("Mary Manager", Role.MANAGER, "mary")
    wrong_password = await visitor.try_sign_in("mary", "not the password")
    unknown = await visitor.try_sign_in("nobody", "not the password")
    assert unknown.status == wrong_password.status == 401
    assert re.search(r'role="alert">([^<]*)<', unknown.html)[1] == WRONG
    assert re.search(r'role="alert">([^<]*)<', wrong_password.html)[1] == WRONG

    for _ in range(9):
        assert (await visitor.try_sign_in("nobody", "guess")).status == 401
    refused = await visitor.try_sign_in("NoBody ", "guess")  # the same login, as typed
    assert refused.status == 429
    assert "Too many attempts. Try again in 15 seconds." in refused.text
    await visitor.sign_in("mary")  # other accounts are not affected


async def test_at_most_100_failures_per_account_per_hour(visitor, clock):
    await make_staff("Mary Manager", Role.MANAGER, "mary")
    now = clock.now()
    start = now - dt.timedelta(minutes=50)
    await LoginAttempt.bulk_create(
        [
            LoginAttempt(login="mary", succeeded=False, created_at=start + dt.timedelta(seconds=i))
            for i in range(99)
        ]
    )
    # A success after them: no streak, so only the hourly cap can stop the next attempts.
    await LoginAttempt.create(
        login="mary", succeeded=True, created_at=now - dt.timedelta(minutes=40)
    )
    assert (await visitor.try_sign_in("mary", "failure number 100")).status == 401

    refused = await visitor.try_sign_in("mary")
    assert refused.status == 429
    assert "Too many attempts. Try again in 10 minutes." in refused.text

    clock.offset = dt.timedelta(minutes=9, seconds=59)
    assert (await visitor.try_sign_in("mary")).status == 429
    clock.offset = dt.timedelta(minutes=10, seconds=1)
    await visitor.sign_in("mary")


# Second factor --------------------------------------------------------------------------


def code_at(secret: str, moment: dt.datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_totp_set_up_two_step_sign_in_and_disable(visitors, runtime, clock):
    admin, _ = await create_admin("Ada Admin", "ada", PASSWORD)
    browser = visitors()
    await browser.sign_in("ada")
    page = await browser.get("/admin/account")
    assert "<svg" in page.html and "<script" not in page.html
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page.html)[1]
    setup = re.search(r'name="setup" value="([^"]+)"', page.html)[1]
    assert secret not in setup

    good = code_at(secret, clock.now())
    refused = await browser.post(
        "/admin/account/totp/enable", {"setup": setup, "code": other_code(good)}, csrf=page.csrf
    )
    assert refused.status == 400 and "Wrong code." in refused.text
    assert (await Employee.get(id=admin.id)).totp_secret is None
    assert secret in refused.html  # the same QR code stays valid for the next try

    enabled = await browser.post(
        "/admin/account/totp/enable", {"setup": setup, "code": good}, csrf=page.csrf
    )
    assert enabled.status == 302 and enabled.location == "/admin/account?done=totp_on"
    stored = (await Employee.get(id=admin.id)).totp_secret
    assert stored and secret not in stored
    key = runtime.settings.secret_key.get_secret_value()
    assert totp.decrypt(stored, key, clock.now()) == secret

    # Password first: a pending session that opens nothing yet, under a new token.
    clock.offset += dt.timedelta(seconds=30)
    fresh = visitors()
    step_one = await fresh.try_sign_in("ada")
    assert step_one.status == 302
    assert step_one.location == "/admin/login/code?next=/admin/"
    pending = fresh.cookie()
    assert (await session_row(pending)).employee_id is None
    assert (await fresh.get("/admin/clients")).location.startswith("/admin/login")
    code_page = await fresh.get("/admin/login/code?next=/admin/clients")
    assert "Sign-in code" in code_page.text

    now_code = code_at(secret, clock.now())
    wrong = await fresh.post(
        "/admin/login/code",
        {"code": other_code(now_code), "next": "/admin/clients"},
        csrf=code_page.csrf,
    )
    assert wrong.status == 401 and "Wrong code." in wrong.text
    right = await fresh.post(
        "/admin/login/code", {"code": now_code, "next": "/admin/clients"}, csrf=code_page.csrf
    )
    assert right.status == 302 and right.location == "/admin/clients"
    signed_in = fresh.cookie()
    assert signed_in != pending
    assert (await session_row(pending)).ended_at is not None
    assert (await fresh.get("/admin/clients")).status == 200

    # The same code cannot be used a second time.
    replay = visitors()
    await replay.try_sign_in("ada")
    form = await replay.get("/admin/login/code")
    reused = await replay.post("/admin/login/code", {"code": now_code}, csrf=form.csrf)
    assert reused.status == 401
    clock.offset += dt.timedelta(seconds=30)
    later = await replay.post(
        "/admin/login/code", {"code": code_at(secret, clock.now())}, csrf=form.csrf
    )
    assert later.status == 302

    # Turning it off needs a current code.
    account = await fresh.get("/admin/account")
    current = code_at(secret, clock.now())
    kept = await fresh.post(
        "/admin/account/totp/disable", {"code": other_code(current)}, csrf=account.csrf
    )
    assert kept.status == 400 and (await Employee.get(id=admin.id)).totp_secret
    off = await fresh.post("/admin/account/totp/disable", {"code": current}, csrf=account.csrf)
    assert off.status == 302 and off.location == "/admin/account?done=totp_off"
    assert (await Employee.get(id=admin.id)).totp_secret is None
    assert (await visitors().try_sign_in("ada")).location == "/admin/"

    logged = await actions()
    assert logged.count("auth.totp_enabled") == 1 and logged.count("auth.totp_disabled") == 1
    assert logged.count("auth.sign_in_failed") == 2  # the wrong code and the reused one


async def test_wrong_codes_count_towards_the_throttle(visitor, runtime, clock):
    admin, _ = await create_admin("Ada Admin", "ada", PASSWORD)
    secret = pyotp.random_base32()
    key = runtime.settings.secret_key.get_secret_value()
    await Employee.filter(id=admin.id).update(totp_secret=totp.encrypt(secret, key, clock.now()))
    step_one = await visitor.try_sign_in("ada")
    assert step_one.location.startswith("/admin/login/code")
    form = await visitor.get("/admin/login/code")
    right = code_at(secret, clock.now())
    for _ in range(10):
        answer = await visitor.post(
            "/admin/login/code", {"code": other_code(right)}, csrf=form.csrf
        )
        assert answer.status == 401
    refused = await visitor.post("/admin/login/code", {"code": right}, csrf=form.csrf)
    assert refused.status == 429 and "Try again in 15 seconds." in refused.text
    assert (await visitor.try_sign_in("ada")).status == 429  # the password step as well


async def test_the_code_step_expires_after_five_minutes(visitor, runtime, clock):
    admin, _ = await create_admin("Ada Admin", "ada", PASSWORD)
    secret = pyotp.random_base32()
    key = runtime.settings.secret_key.get_secret_value()
    await Employee.filter(id=admin.id).update(totp_secret=totp.encrypt(secret, key, clock.now()))
    await visitor.try_sign_in("ada")
    form = await visitor.get("/admin/login/code")
    assert form.status == 200
    clock.offset = dt.timedelta(minutes=5, seconds=1)
    late = await visitor.post(
        "/admin/login/code", {"code": code_at(secret, clock.now())}, csrf=form.csrf
    )
    assert late.status == 302 and late.location == "/admin/login?expired=1"
    answer = await visitor.get("/admin/login/code")
    assert answer.status == 302 and answer.location == "/admin/login"
    assert (await visitor.get("/admin/clients")).location.startswith("/admin/login")


async def test_cli_reset_turns_the_second_factor_off_and_ends_sessions(visitor, runtime, clock):
    """The way back in after a lost phone: `main.py create-admin --login ada`."""
    admin, _ = await create_admin("Ada Admin", "ada", PASSWORD)
    await visitor.sign_in("ada")
    key = runtime.settings.secret_key.get_secret_value()
    secret = totp.encrypt(pyotp.random_base32(), key, clock.now())
    await Employee.filter(id=admin.id).update(totp_secret=secret)
    await create_admin("Ada Admin", "ada", "a brand new password")
    assert (await Employee.get(id=admin.id)).totp_secret is None
    assert (await visitor.get("/admin/clients")).location.startswith("/admin/login")
    assert (await visitor.try_sign_in("ada", "a brand new password")).location == "/admin/"


async def test_only_admins_and_directors_may_set_up_totp(visitors):
    await make_staff("Mary Manager", Role.MANAGER, "mary")
    await make_staff("Dora Director", Role.DIRECTOR, "dora")
    mary, dora = visitors(), visitors()
    await mary.sign_in("mary")
    await dora.sign_in("dora")
    page = await mary.get("/admin/account")
    assert page.status == 200 and 'id="totp"' not in page.html
    forged = await mary.post(
        "/admin/account/totp/enable", {"setup": "x", "code": "123456"}, csrf=page.csrf
    )
    assert forged.status == 403
    assert 'id="totp"' in (await dora.get("/admin/account")).html


# Language -------------------------------------------------------------------------------


async def test_language_switch_is_remembered_and_applied(visitors):
    await make_staff("Mary Manager", Role.MANAGER, "mary")
    browser = visitors()
    await browser.sign_in("mary")
    before = await browser.get("/admin/clients")
    assert '<html lang="en">' in before.html and "Sign out" in before.text

    switched = await browser.form_post(
        "/admin/account", "/admin/account/language", {"language": "ru", "next": "/admin/clients"}
    )
    assert switched.status == 302 and switched.location == "/admin/clients"
    after = await browser.get("/admin/clients")
    assert '<html lang="ru">' in after.html
    assert "Клиенты" in after.text and "Выйти" in after.text
    assert (await Employee.get(login="mary")).language == "ru"
    entry = await AuditLog.get(action="staff.language_changed")
    assert entry.details == {"before": "en", "after": "ru"}

    elsewhere = visitors()  # remembered for the account, not the browser
    await elsewhere.sign_in("mary")
    assert "Выйти" in (await elsewhere.get("/admin/clients")).text

    bad = await browser.form_post("/admin/account", "/admin/account/language", {"language": "de"})
    assert bad.status == 400
    assert (await Employee.get(login="mary")).language == "ru"
    away = await browser.form_post(
        "/admin/account",
        "/admin/account/language",
        {"language": "en", "next": "https://evil.example/"},
    )
    assert away.location == "/admin/account"


async def test_visitors_can_switch_the_sign_in_page_language(visitor):
    assert "Sign in" in (await visitor.get("/admin/login")).text
    answer = await visitor.form_post(
        "/admin/login", "/admin/login/language", {"language": "ru", "next": "/admin/login"}
    )
    assert answer.status == 302 and answer.location == "/admin/login"
    assert answer.cookie("ona_lang").value == "ru"
    assert "Войти" in (await visitor.get("/admin/login")).text


# Headers and escaping -------------------------------------------------------------------


async def test_security_headers_on_every_response(visitor):
    await make_staff("Mary Manager", Role.MANAGER, "mary")
    await visitor.sign_in("mary")
    strict = [
        "/healthz",
        "/",
        "/admin/login",
        "/admin/clients",
        "/admin/static/panel.css",
        "/admin/no-such-page",
        "/no-such-page",
        "/api/v1/openapi.json",
    ]
    for path in strict:
        answer = await visitor.get(path)
        headers = answer.headers
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path
        assert headers["X-Frame-Options"] == "DENY", path
        policy = csp(headers)
        assert policy["script-src"] == "'self'", path
        assert "unsafe-inline" not in policy["style-src"], path
        assert policy["frame-ancestors"] == "'none'", path
        assert policy["default-src"] == "'self'" and policy["base-uri"] == "'none'", path
    assert (await visitor.get("/admin/clients")).headers["Cache-Control"] == "no-store"

    # The web chat is made to be framed by the company's site; its scripts stay strict.
    for path in ("/chat", "/chat/static/chat.js"):
        answer = await visitor.get(path)
        assert answer.status == 200
        assert "X-Frame-Options" not in answer.headers
        policy = csp(answer.headers)
        assert policy["frame-ancestors"] == "*"
        assert policy["script-src"] == "'self'"
        assert "'self'" in policy["connect-src"]
        assert answer.headers["X-Content-Type-Options"] == "nosniff"


class _InlineCode(HTMLParser):
    """Collects what a strict Content-Security-Policy would block in a page's markup."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}=javascript:")


def test_pages_need_no_inline_script_or_style():
    """What the Content-Security-Policy forbids does not occur in our own pages."""
    pages = [*sorted((ROOT / "admin_web/templates").glob("*.html")), ROOT / "bot/static/chat.html"]
    for page in pages:
        parser = _InlineCode()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.found == [], page.name


async def test_user_data_is_shown_as_text_never_as_markup(visitors):
    await create_admin("Ada Admin", "ada", PASSWORD)
    name = "<script>alert(1)</script>"
    client = await Client.create(name=name, phone="+2348030000009", city='"><img src=x>')
    browser = visitors()
    await browser.sign_in("ada")
    for path in ("/admin/clients", f"/admin/clients/{client.id}"):
        page = await browser.get(path)
        assert page.status == 200
        assert "<script>alert(1)" not in page.html and "<img src=x>" not in page.html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.html
        assert name in page.text

    # What a browser says about itself is shown on the account page, escaped too.
    sneaky = visitors()
    agent = "<img src=x onerror=alert(1)>"
    await sneaky.form_post(
        "/admin/login",
        "/admin/login",
        {"login": "ada", "password": PASSWORD},
        headers={"User-Agent": agent},
    )
    account = await browser.get("/admin/account")
    assert agent not in account.html and agent in account.text


async def test_old_attempts_and_sessions_are_purged(runtime):
    now = dt.datetime.now(dt.UTC)
    old, recent = now - dt.timedelta(days=31), now - dt.timedelta(days=1)
    for moment in (old, recent):
        await LoginAttempt.create(login="mary", succeeded=False, created_at=moment)
        await PanelSession.create(
            token_hash=hashlib.sha256(str(moment).encode()).hexdigest(),
            csrf="x",
            created_at=moment,
            last_seen_at=moment,
        )
    assert await purge_security_records(now, dt.timedelta(days=30)) == 2
    assert [a.created_at for a in await LoginAttempt.all()] == [recent]
    assert [s.last_seen_at for s in await PanelSession.all()] == [recent]
