"""Users and roles: who may create whom, sign-in for new users, invites with a QR code."""

from __future__ import annotations

import re

from core.models import AuditLog, Employee, Role, StaffInvite
from tests.panel.panel_client import Panel


async def test_admin_creates_a_user_who_can_then_sign_in(runtime, panel_for):
    admin = await panel_for(Role.ADMIN)
    page = await admin.submit(
        "/admin/staff/new",
        {
            "name": "Kemi Ade",
            "role": "accountant",
            "login": "Kemi",
            "email": "kemi@example.com",
            "language": "yo",
            "password": "long enough secret",
            "is_active": "on",
        },
        csrf_from="/admin/staff/new",
    )
    assert "Saved." in page.body_text
    kemi = await Employee.get(login="kemi")
    assert kemi.role is Role.ACCOUNTANT and kemi.password_hash.startswith("$argon2id$")
    entry = await AuditLog.get(object_type="employee", object_id=str(kemi.id), action="created")
    assert entry.details["password"] == ["•••", "•••"]  # the trail never holds the password

    newcomer = Panel(runtime.base_url)
    try:
        await newcomer.sign_in("kemi", "long enough secret")
    finally:
        await newcomer.close()


async def test_a_director_cannot_make_an_administrator(panel_for):
    director = await panel_for(Role.DIRECTOR)
    form = await director.open("/admin/staff/new")
    assert 'value="admin"' not in form.html
    page = await director.submit(
        "/admin/staff/new", {"name": "Sneaky", "role": "admin", "language": "en"}
    )
    assert page.status == 422
    assert page.text("field-role").endswith("Pick from the list.")
    assert not await Employee.filter(name="Sneaky").exists()


async def test_a_director_cannot_edit_an_administrator(panel_for):
    director = await panel_for(Role.DIRECTOR)
    admin = await Employee.create(name="Root", role=Role.ADMIN, login="root")
    form = await director.open(f"/admin/staff/{admin.id}")
    assert "disabled" in form.html and "Save" not in form.text("main")
    page = await director.submit(
        f"/admin/staff/{admin.id}", {"name": "Root", "role": "manager", "language": "en"}
    )
    assert page.status == 403
    assert (await Employee.get(id=admin.id)).role is Role.ADMIN


async def test_nobody_blocks_or_demotes_themselves(panel_for):
    admin = await panel_for(Role.ADMIN)
    me = admin.employee
    page = await admin.submit(
        f"/admin/staff/{me.id}",
        {"name": me.name, "role": "admin", "language": "en", "login": me.login},
        csrf_from=f"/admin/staff/{me.id}",
    )
    assert page.text("field-is_active").endswith("You cannot block yourself.")
    assert (await Employee.get(id=me.id)).is_active


async def test_invite_shows_links_and_a_qr_code_and_the_code_works_once(runtime, panel_for):
    admin = await panel_for(Role.ADMIN)
    dispatcher = await Employee.create(name="Dayo Dispatch", role=Role.DISPATCHER)
    page = await admin.submit(
        f"/admin/staff/{dispatcher.id}/invite", {}, csrf_from=f"/admin/staff/{dispatcher.id}"
    )
    assert page.status == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "<svg" in page.html
    telegram = page.text("invite-telegram")
    code = re.fullmatch(r"https://t\.me/ona_test_bot\?start=(\S+)", telegram).group(1)
    assert page.text("invite-command") == f"/start {code}"
    assert await StaffInvite.filter(employee=dispatcher, used_at=None).count() == 1
    entry = await AuditLog.get(action="staff.invited", object_id=str(dispatcher.id))
    assert entry.actor_label == admin.employee.name
