"""Mailing messages by email and SMS: adapters from the worker's Outgoing to the channels.

Every email carries the one-click unsubscribe link twice: in the List-Unsubscribe headers
(mail programs show an "Unsubscribe" button) and in a footer line in the reader's language.
"""

from __future__ import annotations

import html

from core.config import Settings
from core.i18n import N_, current_i18n
from core.services.email_channel import EmailSender, OutgoingEmail, SmtpConfig
from core.services.mailing_worker import Delivery, Outgoing
from core.services.sms_channel import HttpSmsProvider, SmsConfig, SmsProvider

UNSUBSCRIBE_FOOTER = N_("To stop these emails, open: {url}")
UNSUBSCRIBE_LINK = N_("Unsubscribe")
NOT_HTTPS = "PUBLIC_URL must be https: email unsubscribe links cannot be plain http"


class EmailChannelSender:
    """The SMTP connection paces itself (SMTP_RATE), so the worker adds no limiter."""

    per_chat = False

    def __init__(self, sender: EmailSender) -> None:
        self.sender = sender
        self.rate_key = f"email:{sender.config.host}"

    async def send(self, outgoing: Outgoing) -> Delivery:
        url = outgoing.unsubscribe_url
        if not url.startswith("https://"):
            return Delivery(False, reason=NOT_HTTPS)
        message = outgoing.message
        translate = current_i18n().gettext
        footer = translate(UNSUBSCRIBE_FOOTER, message.language).format(url=url)
        body_html = None
        if message.html:
            label = html.escape(translate(UNSUBSCRIBE_LINK, message.language))
            body_html = f'{message.html}\n<p><a href="{html.escape(url)}">{label}</a></p>'
        result = await self.sender.send(
            OutgoingEmail(
                to=outgoing.address,
                subject=message.subject,
                text=f"{message.body}\n\n--\n{footer}\n",
                unsubscribe_url=url,
                html=body_html,
            )
        )
        return Delivery(
            result.sent,
            provider_id=result.message_id,
            reason=result.reason,
            retryable=result.retryable,
        )


class SmsChannelSender:
    """Any SmsProvider; the gateway's own limits are its business (SMS_RATE paces us)."""

    per_chat = False

    def __init__(self, provider: SmsProvider, name: str = "sms") -> None:
        self.provider = provider
        self.rate_key = name

    async def send(self, outgoing: Outgoing) -> Delivery:
        result = await self.provider.send(outgoing.address, outgoing.message.body)
        return Delivery(
            result.sent,
            provider_id=result.message_id or "",
            reason=result.reason,
            retryable=result.retryable,
        )


def smtp_from_settings(settings: Settings) -> EmailSender | None:
    if not settings.smtp_host or not settings.smtp_from:
        return None
    config = SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        user=settings.smtp_user,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        starttls=settings.smtp_starttls and not settings.smtp_tls,
        use_tls=settings.smtp_tls,
        dkim_selector=settings.dkim_selector,
        dkim_domain=settings.dkim_domain,
        dkim_private_key_pem=(
            settings.dkim_private_key.get_secret_value() if settings.dkim_private_key else None
        ),
        rate_per_second=settings.smtp_rate,
    )
    return EmailSender(config)


def sms_from_settings(settings: Settings) -> HttpSmsProvider | None:
    if not settings.sms_url_template:
        return None
    config = SmsConfig(
        url_template=settings.sms_url_template,
        method="GET" if settings.sms_method.upper() == "GET" else "POST",
        body_fields=settings.sms_body_fields,
        body_format="json" if settings.sms_body_format == "json" else "form",
        sender=settings.sms_sender,
        username=settings.sms_username,
        password=settings.sms_password.get_secret_value() if settings.sms_password else None,
        token=settings.sms_token.get_secret_value() if settings.sms_token else None,
        id_path=settings.sms_id_path,
        error_path=settings.sms_error_path,
    )
    return HttpSmsProvider(config)
