"""The sales pipeline: a client's request, the quotes made for it, and the order it becomes.

A request moves through one state machine (core/services/pipeline.py) whoever moves it:
the bot, the panel's pipeline board or the API. A quote freezes the options it offered, so
what the client accepted is what the order keeps, whatever the price lists say later.
"""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from core.models.channels import Channel


class RequestState(StrEnum):
    NEW = "new"
    QUOTED = "quoted"
    ORDERED = "ordered"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    REFUSED = "refused"
    EXPIRED = "expired"


class RefusalReason(StrEnum):
    TOO_EXPENSIVE = "too_expensive"
    TOO_SLOW = "too_slow"
    JUST_CHECKING = "just_checking"
    OTHER = "other"


class QuoteRequest(Model):
    """What a client asked to move. Places the matcher did not know keep the typed text.

    needs_manager marks a request a person has to price or answer (unknown place, no
    priced route, or the client asked for a manager).
    """

    id = fields.IntField(primary_key=True)
    client: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Client", related_name="quote_requests", on_delete=fields.CASCADE
    )
    manager: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="quote_requests", null=True, on_delete=fields.SET_NULL
    )
    channel = fields.CharEnumField(Channel, max_length=10, null=True)
    origin: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Location", related_name="requests_from", null=True, on_delete=fields.SET_NULL
    )
    destination: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Location", related_name="requests_to", null=True, on_delete=fields.SET_NULL
    )
    origin_text = fields.CharField(max_length=200, default="")
    destination_text = fields.CharField(max_length=200, default="")
    cargo_type = fields.CharField(max_length=30)
    weight_kg = fields.DecimalField(max_digits=14, decimal_places=3)
    volume_m3 = fields.DecimalField(max_digits=14, decimal_places=3, default=0)
    pieces = fields.IntField(default=1)
    ready_on = fields.DateField()
    priority = fields.IntField(default=3)
    state = fields.CharEnumField(RequestState, max_length=12, default=RequestState.NEW)
    needs_manager = fields.BooleanField(default=False)
    # Who took it from the managers' queue, and when (the time to take is a report figure).
    taken_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="requests_taken", null=True, on_delete=fields.SET_NULL
    )
    taken_at = fields.DatetimeField(null=True)
    refusal_reason = fields.CharEnumField(RefusalReason, max_length=20, null=True)
    refusal_note = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    state_changed_at = fields.DatetimeField()

    class Meta:
        table = "quote_request"
        ordering = ("-created_at", "-id")


class Quote(Model):
    """The options offered for a request, frozen as shown, with their validity.

    options is a list of dicts written by core/services/quote_requests.py (legs, dates,
    price, VAT, cost and margin as strings of decimals).
    """

    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[QuoteRequest] = fields.ForeignKeyField(
        "models.QuoteRequest", related_name="quotes", on_delete=fields.CASCADE
    )
    price_list: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.PriceList", related_name="quotes", null=True, on_delete=fields.SET_NULL
    )
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="quotes_made", null=True, on_delete=fields.SET_NULL
    )
    currency = fields.CharField(max_length=3)
    options = fields.JSONField(default=list)
    override_reason = fields.TextField(default="")
    # The form submission that made it (a token in the form), so a repeated post is one quote.
    submission = fields.CharField(max_length=64, null=True, unique=True)
    valid_until = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)
    accepted_option = fields.IntField(null=True)
    answered_at = fields.DatetimeField(null=True)
    reminders_sent = fields.IntField(default=0)
    last_reminder_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "quote"
        ordering = ("-created_at", "-id")


class Order(Model):
    """An accepted option: route and price frozen from the quote, with a number to quote."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=20, unique=True, null=True)
    request: fields.OneToOneRelation[QuoteRequest] = fields.OneToOneField(
        "models.QuoteRequest", related_name="order", on_delete=fields.CASCADE
    )
    quote: fields.ForeignKeyRelation[Quote] = fields.ForeignKeyField(
        "models.Quote", related_name="orders", on_delete=fields.CASCADE
    )
    client: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Client", related_name="orders", on_delete=fields.CASCADE
    )
    manager: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="orders", null=True, on_delete=fields.SET_NULL
    )
    option = fields.JSONField()
    currency = fields.CharField(max_length=3)
    price = fields.DecimalField(max_digits=14, decimal_places=2)
    vat = fields.DecimalField(max_digits=14, decimal_places=2)
    total = fields.DecimalField(max_digits=14, decimal_places=2)
    cost = fields.DecimalField(max_digits=14, decimal_places=2, null=True)
    # Set when the request is refused after ordering: the order stays on record, cancelled.
    cancelled_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "sales_order"
        ordering = ("-created_at", "-id")


class ReminderRecipient(StrEnum):
    CLIENT = "client"
    MANAGER = "manager"


class QuoteReminder(Model):
    """One reminder about an unanswered quote, kept so the reports can count them."""

    id = fields.IntField(primary_key=True)
    quote: fields.ForeignKeyRelation[Quote] = fields.ForeignKeyField(
        "models.Quote", related_name="reminders", on_delete=fields.CASCADE
    )
    recipient = fields.CharEnumField(ReminderRecipient, max_length=10)
    employee: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="quote_reminders", null=True, on_delete=fields.SET_NULL
    )
    channel = fields.CharEnumField(Channel, max_length=10, null=True)
    delivered = fields.BooleanField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "quote_reminder"
        ordering = ("-created_at", "-id")
