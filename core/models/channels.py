"""Who is behind each messenger account, and the consent log that proves what they agreed to."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Channel(StrEnum):
    TELEGRAM = "telegram"
    VIBER = "viber"
    WEBCHAT = "webchat"
    # Reached by address, not by a chat: consent to mailings is recorded per channel too.
    EMAIL = "email"
    SMS = "sms"


class ConsentPurpose(StrEnum):
    """What the person agreed to receive.

    MESSAGES is the onboarding question, whose wording covers both service updates and
    offers. SERVICE (updates about one's own quotes, orders and deliveries) can be answered
    on its own: an explicit SERVICE answer wins, else the MESSAGES answer stands for it.
    """

    MESSAGES = "messages"
    SERVICE = "service"
    # Offers and news (mailings). Like SERVICE, an explicit answer wins over MESSAGES.
    MARKETING = "marketing"


class ChannelIdentity(Model):
    """One account on one channel. `chat_id` is the number the aiogram engine addresses.

    Telegram gives us real chat ids. Viber and web chat do not, so theirs come from this
    table's own sequence (the row id), which keeps them unique per channel.
    """

    id = fields.IntField(primary_key=True)
    channel = fields.CharEnumField(Channel, max_length=10)
    external_id = fields.CharField(max_length=128)
    chat_id = fields.BigIntField(null=True)
    display_name = fields.CharField(max_length=200, default="")
    language = fields.CharField(max_length=5, null=True)
    client: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Client", related_name="identities", null=True, on_delete=fields.SET_NULL
    )
    employee: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="identities", null=True, on_delete=fields.SET_NULL
    )
    subscribed = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "channel_identity"
        unique_together = (("channel", "external_id"), ("channel", "chat_id"))


class Consent(Model):
    """Append-only: each row is one grant or withdrawal with the exact text the person saw."""

    id = fields.IntField(primary_key=True)
    client: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Client", related_name="consents", on_delete=fields.CASCADE
    )
    identity: fields.ForeignKeyNullableRelation[ChannelIdentity] = fields.ForeignKeyField(
        "models.ChannelIdentity", related_name="consents", null=True, on_delete=fields.SET_NULL
    )
    channel = fields.CharEnumField(Channel, max_length=10)
    purpose = fields.CharEnumField(ConsentPurpose, max_length=20, default=ConsentPurpose.MESSAGES)
    granted = fields.BooleanField()
    text_version = fields.CharField(max_length=40)
    text_shown = fields.TextField()
    language = fields.CharField(max_length=5)
    evidence = fields.CharField(max_length=200)
    recorded_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="consents_recorded", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "consent"
        ordering = ("-created_at", "-id")


class ConsentState(Model):
    """The current answer per client, channel and purpose, kept beside the log for filtering.

    Written in the same transaction as the Consent row it summarises.
    """

    id = fields.IntField(primary_key=True)
    client: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Client", related_name="consent_states", on_delete=fields.CASCADE
    )
    channel = fields.CharEnumField(Channel, max_length=10)
    purpose = fields.CharEnumField(ConsentPurpose, max_length=20, default=ConsentPurpose.MESSAGES)
    granted = fields.BooleanField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "consent_state"
        unique_together = (("client", "channel", "purpose"),)
