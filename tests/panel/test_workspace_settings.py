"""The company's workspace settings: contact subjects, canned replies, and teams on the staff
form."""

from __future__ import annotations

from core.models import CannedReply, ContactSubject, Employee, Role
from tests.panel.panel_client import make_employee


async def test_subjects_list_built_ins_and_the_company_adds_its_own(panel_for):
    head = await panel_for(Role.HEAD_OF_SALES)
    page = await head.open("/admin/subjects")
    assert page.rows("subjects-list") == [
        ["Quote follow-up", "Built-in", "0", "Active"],
        ["New service offer", "Built-in", "10", "Active"],
        ["Complaint", "Built-in", "20", "Active"],
        ["Payment", "Built-in", "30", "Active"],
        ["Other", "Built-in", "40", "Active"],
    ]
    await head.open("/admin/subjects")  # listing again adds nothing
    assert await ContactSubject.all().count() == 5

    page = await head.submit(
        "/admin/subjects/new",
        {"name": "Site visit", "position": "5", "is_active": "on"},
        csrf_from="/admin/subjects/new",
    )
    assert "Saved." in page.body_text
    custom = await ContactSubject.get(name="Site visit")
    assert custom.code.startswith("custom.")
    page = await head.submit(
        "/admin/subjects/new",
        {"name": "complaint", "is_active": "on"},
        csrf_from="/admin/subjects/new",
    )
    assert page.status == 422
    assert page.field_error("name").endswith("There is already a subject with this name.")

    # A built-in subject is switched off, never renamed; a custom one is renamed.
    complaint = await ContactSubject.get(code="contact.complaint")
    page = await head.submit(
        f"/admin/subjects/{complaint.id}",
        {"name": "Grumbles", "position": "20", "is_active": "on"},
        csrf_from=f"/admin/subjects/{complaint.id}",
    )
    assert page.status == 422
    assert page.field_error("name").endswith(
        "A built-in subject cannot be renamed. Switch it off and add your own."
    )
    await head.submit(
        f"/admin/subjects/{complaint.id}",
        {"name": "Complaint", "position": "20"},
        csrf_from=f"/admin/subjects/{complaint.id}",
    )
    await head.submit(
        f"/admin/subjects/{custom.id}",
        {"name": "Visit to the site", "position": "5", "is_active": "on"},
        csrf_from=f"/admin/subjects/{custom.id}",
    )
    page = await head.open("/admin/subjects")
    rows = page.rows("subjects-list")
    assert rows[1] == ["Visit to the site", "Added by the company", "5", "Active"]
    assert ["Complaint", "Built-in", "20", "Inactive"] in rows
    assert (await ContactSubject.get(id=complaint.id)).name == ""
    # Switched back on.
    await head.submit(
        f"/admin/subjects/{complaint.id}",
        {"name": "Complaint", "position": "20", "is_active": "on"},
        csrf_from=f"/admin/subjects/{complaint.id}",
    )
    assert (await ContactSubject.get(id=complaint.id)).is_active


async def test_canned_replies_per_language(panel_for):
    director = await panel_for(Role.DIRECTOR)
    page = await director.submit(
        "/admin/canned-replies/new",
        {"language": "ru", "text": "Здравствуйте! Сейчас посмотрю.", "position": "1"},
        csrf_from="/admin/canned-replies/new",
    )
    assert "Saved." in page.body_text
    await director.submit(
        "/admin/canned-replies/new",
        {"language": "en", "text": "Hello! Let me check.", "is_active": "on"},
        csrf_from="/admin/canned-replies/new",
    )
    page = await director.open("/admin/canned-replies")
    assert page.rows("canned-replies-list") == [
        ["Hello! Let me check.", "English", "0", "Active"],
        ["Здравствуйте! Сейчас посмотрю.", "Русский", "1", "Inactive"],
    ]
    page = await director.open("/admin/canned-replies?language=ru")
    assert len(page.rows("canned-replies-list")) == 1
    page = await director.submit(
        "/admin/canned-replies/new",
        {"language": "en", "text": ""},
        csrf_from="/admin/canned-replies/new",
    )
    assert page.field_error("text").endswith("This field is required.")
    assert await CannedReply.all().count() == 2
    manager = await panel_for(Role.MANAGER)
    assert (await manager.open("/admin/canned-replies")).status == 403
    assert (await manager.open("/admin/subjects")).status == 403


async def test_the_staff_form_puts_a_manager_in_a_team(panel_for):
    admin = await panel_for(Role.ADMIN)
    bisi = await make_employee("Bisi Head", Role.HEAD_OF_SALES, "bisi")
    await Employee.create(name="Gone Head", role=Role.HEAD_OF_SALES, is_active=False)
    page = await admin.open("/admin/staff/new")
    options = page.text("field-head_id")
    assert "Bisi Head" in options and "Gone Head" not in options

    page = await admin.submit(
        "/admin/staff/new",
        {
            "name": "Tunde Bello",
            "role": "manager",
            "language": "en",
            "head_id": str(bisi.id),
            "reminder_time": "08:30",
            "is_active": "on",
        },
    )
    assert "Saved." in page.body_text
    tunde = await Employee.get(name="Tunde Bello")
    assert (tunde.head_id, tunde.reminder_time, tunde.on_duty) == (bisi.id, "08:30", False)
    assert 'value="08:30"' in page.html

    # Only a manager has a head of sales; a dispatcher's is dropped.
    await admin.submit(
        "/admin/staff/new",
        {"name": "Dele Dispatch", "role": "dispatcher", "language": "en", "head_id": str(bisi.id)},
        csrf_from="/admin/staff/new",
    )
    dele = await Employee.get(name="Dele Dispatch")
    assert dele.head_id is None and dele.reminder_time == "09:00"

    page = await admin.submit(
        f"/admin/staff/{tunde.id}",
        {"name": "Tunde Bello", "role": "manager", "language": "en", "head_id": str(tunde.id)},
        csrf_from=f"/admin/staff/{tunde.id}",
    )
    assert page.status == 422
    assert page.field_error("head_id").endswith("Pick from the list.")
    history = await admin.open(f"/admin/staff/{tunde.id}/history")
    assert "head_id" in history.rows("history")[-1][3]
