"""Company settings: one form, validated, audited, and applied to how times are shown."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from core.i18n import format_datetime
from core.models import AuditLog, Company, Role


async def test_company_settings_are_saved_and_used_for_times(panel_for):
    admin = await panel_for(Role.ADMIN)
    form = await admin.open("/admin/company")
    assert 'value="Africa/Lagos" selected' in form.html
    page = await admin.submit(
        "/admin/company",
        [
            ("name", "Lagos Freight"),
            ("currency", "USD"),
            ("timezone", "Asia/Tokyo"),
            ("work_days", "0"),
            ("work_days", "4"),
            ("work_starts", "08:30"),
            ("work_ends", "17:00"),
            ("quiet_starts", "21:00"),
            ("quiet_ends", "07:00"),
            ("vat_percent", "7.5"),
        ],
    )
    assert "Saved." in page.body_text
    company = await Company.get(id=1)
    assert (company.name, company.currency, company.timezone) == (
        "Lagos Freight",
        "USD",
        "Asia/Tokyo",
    )
    assert company.work_days == ["0", "4"]
    assert (company.work_starts, company.quiet_ends) == ("08:30", "07:00")
    assert (str(company.vat_rate), company.prices_include_vat) == ("0.0750", False)
    form = await admin.open("/admin/company")
    assert 'value="7.5"' in form.html

    entry = await AuditLog.get(object_type="company")
    history = await admin.open("/admin/company/history")
    when = history.rows("history")[0][0]
    shown = {
        zone: " ".join(format_datetime(entry.created_at, ZoneInfo(zone)).split())
        for zone in ("Asia/Tokyo", "Africa/Lagos")
    }
    assert when == shown["Asia/Tokyo"] != shown["Africa/Lagos"]  # in the company's new zone


async def test_working_hours_must_end_after_they_start(panel_for):
    admin = await panel_for(Role.DIRECTOR)
    await admin.open("/admin/company")
    page = await admin.submit(
        "/admin/company",
        {
            "name": "X",
            "currency": "NGN",
            "timezone": "Africa/Lagos",
            "work_starts": "18:00",
            "work_ends": "09:00",
        },
    )
    assert page.status == 422
    assert page.text("field-work_ends").endswith("The end must be after the start.")
    page = await admin.submit(
        "/admin/company",
        {"name": "X", "currency": "XXQ", "timezone": "Mars/Olympus", "work_starts": "25:00"},
    )
    assert page.text("field-currency").endswith("Pick from the list.")
    assert page.text("field-timezone").endswith("Pick from the list.")
    assert page.text("field-work_starts").endswith("Enter a time like 09:00.")
    assert (await Company.get(id=1)).name != "X"


async def test_volumetric_factors_are_set_per_mode_or_keep_the_usual_ones(panel_for):
    admin = await panel_for(Role.ADMIN)
    base = [("name", "Lagos Freight"), ("currency", "NGN"), ("timezone", "Africa/Lagos")]
    wrong = await admin.submit(
        "/admin/company", [*base, ("factor_road", "0")], csrf_from="/admin/company"
    )
    assert wrong.field_error("factor_road").endswith("Enter more than 0 and at most 10000.")
    page = await admin.submit(
        "/admin/company", [*base, ("factor_road", "250")], csrf_from="/admin/company"
    )
    assert "Saved." in page.body_text
    company = await Company.get(id=1)
    assert (company.factor_road, company.factor_sea, company.factor_air) == (250, 1000, 167)
