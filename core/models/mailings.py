"""Mailings: saved audiences, message templates, campaigns and the outbox they send from.

The outbox has one row per campaign, client and channel. Its state only moves forward
(queued, sending, then sent, failed or skipped), so a crash leaves every recipient either
still queued, or in flight on a worker that is gone, and a restart can tell which.
"""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class MailChannel(StrEnum):
    """Where a campaign message can go, in the order a campaign may try them."""

    TELEGRAM = "telegram"
    VIBER = "viber"
    EMAIL = "email"
    SMS = "sms"


class TextKind(StrEnum):
    """The variants a template has: messengers share one text with buttons."""

    MESSENGER = "messenger"
    EMAIL = "email"
    SMS = "sms"


class Segment(Model):
    """A named audience: filters kept as data and evaluated again at each send."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120, unique=True)
    filters = fields.JSONField(default=dict)
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="segments", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "mail_segment"


class MailTemplate(Model):
    """A message in several languages and channel variants."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "mail_template"


class TemplateText(Model):
    """One language and channel variant of a template. Buttons are label and URL pairs."""

    id = fields.IntField(primary_key=True)
    template: fields.ForeignKeyRelation[MailTemplate] = fields.ForeignKeyField(
        "models.MailTemplate", related_name="texts", on_delete=fields.CASCADE
    )
    language = fields.CharField(max_length=5)
    kind = fields.CharEnumField(TextKind, max_length=10)
    subject = fields.CharField(max_length=200, default="")
    body = fields.TextField()
    html = fields.TextField(default="")
    buttons = fields.JSONField(default=list)

    class Meta:
        table = "mail_template_text"
        unique_together = (("template", "language", "kind"),)


class CampaignState(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    RUNNING = "running"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    DONE = "done"


class Campaign(Model):
    """An audience, a template and the channels to try, in order, from a start time on."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120)
    segment: fields.ForeignKeyRelation[Segment] = fields.ForeignKeyField(
        "models.Segment", related_name="campaigns", on_delete=fields.RESTRICT
    )
    template: fields.ForeignKeyRelation[MailTemplate] = fields.ForeignKeyField(
        "models.MailTemplate", related_name="campaigns", on_delete=fields.RESTRICT
    )
    channels = fields.JSONField(default=list)
    link_url = fields.CharField(max_length=500, default="")
    state = fields.CharEnumField(CampaignState, max_length=10, default=CampaignState.DRAFT)
    scheduled_at = fields.DatetimeField(null=True)
    # Telegram paid broadcasts (above 30 messages a second) cost Stars: off unless a
    # budget in Stars is set for this campaign.
    allow_paid_broadcast = fields.BooleanField(default=False)
    paid_budget_stars = fields.IntField(default=0)
    # What the campaign cost (SMS, paid broadcasts, design), for the marketing report.
    cost = fields.DecimalField(max_digits=14, decimal_places=2, null=True)
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="campaigns", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "mail_campaign"
        ordering = ("-created_at", "-id")


class OutboxState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class OutboxMessage(Model):
    """One message of a campaign to one client on one channel.

    A worker leases queued rows (lease_owner, lease_until) and marks one row sending just
    before handing it to the platform, so a crash can leave at most that one row unsure.
    """

    id = fields.BigIntField(primary_key=True)
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "models.Campaign", related_name="outbox", on_delete=fields.CASCADE
    )
    client: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Client", related_name="mail_outbox", on_delete=fields.CASCADE
    )
    channel = fields.CharEnumField(MailChannel, max_length=10)
    # The chat id, email address or phone number the message goes to.
    address = fields.CharField(max_length=254, default="")
    language = fields.CharField(max_length=5, default="en")
    state = fields.CharEnumField(OutboxState, max_length=10, default=OutboxState.QUEUED)
    reason = fields.CharField(max_length=300, default="")
    provider_id = fields.CharField(max_length=200, default="")
    attempts = fields.IntField(default=0)
    due_at = fields.DatetimeField()
    lease_owner = fields.CharField(max_length=64, null=True)
    lease_until = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    # Set where the platform reports delivery to the device (Viber's delivered callback).
    delivered_at = fields.DatetimeField(null=True)
    # The token behind this message's tracked link and email unsubscribe link.
    token = fields.CharField(max_length=32, unique=True)
    clicks = fields.IntField(default=0)
    first_click_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "mail_outbox"
        unique_together = (("campaign", "client", "channel"),)
        indexes = (("state", "due_at", "id"), ("campaign_id", "state"))
