"""Channels page: status from the platforms, the embed snippet, and a real test message."""

from __future__ import annotations

from core.models import Channel, ChannelIdentity, Role


async def test_channels_page_reports_each_platform(runtime, panel_for):
    admin = await panel_for(Role.ADMIN)
    page = await admin.open("/admin/channels")
    telegram = page.text("channel-telegram")
    assert "Connected" in telegram and "@ona_test_bot" in telegram
    public = runtime.settings.public_url
    assert f"Webhook {public}/" in telegram  # as getWebhookInfo reports it
    viber = page.text("channel-viber")
    assert "Connected" in viber and f"Webhook {public}/" in viber
    assert f'src="{public}/chat"' in page.text("embed-snippet")


async def test_send_a_test_message_to_a_linked_staff_chat(runtime, panel_for, fake_telegram):
    admin = await panel_for(Role.ADMIN)
    await ChannelIdentity.create(
        channel=Channel.TELEGRAM, external_id="555", chat_id=555, employee=admin.employee
    )
    form = await admin.open("/admin/channels")
    identity = await ChannelIdentity.get(external_id="555")
    page = await admin.submit("/admin/channels/test", {"identity": str(identity.id)})
    assert "Test message sent." in page.body_text
    sent = [c for c in fake_telegram.calls if c.method == "sendMessage"]
    assert sent and sent[-1].params["chat_id"] in (555, "555")
    assert sent[-1].params["text"].startswith("Test message from the Ona panel")
    del form


async def test_a_manager_may_not_open_channels(panel_for):
    manager = await panel_for(Role.MANAGER)
    page = await manager.open("/admin/channels")
    assert page.status == 403
    assert "You are not allowed to open this page." in page.body_text
