"""Every button payload Ona sends. Short prefixes and ids keep them under 64 bytes."""

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class MenuItem(StrEnum):
    QUOTE = "quote"
    TRACK = "track"
    ORDERS = "orders"
    MANAGER = "manager"
    SETTINGS = "settings"
    HOME = "home"


class StaffItem(StrEnum):
    TODAY = "today"
    CLIENTS = "clients"
    LOG = "log"
    PLAN = "plan"
    REQUESTS = "requests"
    HOME = "home"
    REPORTS = "reports"


class SettingsAction(StrEnum):
    LANGUAGE = "lang"
    CONSENT_ON = "on"
    CONSENT_OFF = "off"
    SERVICE_ON = "son"
    SERVICE_OFF = "soff"
    OFFERS_ON = "oon"
    OFFERS_OFF = "ooff"


class LanguageCb(CallbackData, prefix="lg"):
    code: str


class ConsentCb(CallbackData, prefix="cs"):
    granted: bool


class MenuCb(CallbackData, prefix="mn"):
    item: MenuItem


class SettingsCb(CallbackData, prefix="st"):
    action: SettingsAction


class StaffCb(CallbackData, prefix="sf"):
    item: StaffItem


class PlaceSide(StrEnum):
    ORIGIN = "o"
    DESTINATION = "d"


class PlaceCb(CallbackData, prefix="pl"):
    """A place picked among several that fit; location 0 is "none of these"."""

    side: PlaceSide
    location: int


class CargoCb(CallbackData, prefix="cg"):
    kind: str


class FlowAction(StrEnum):
    SKIP = "skip"
    CANCEL = "cancel"


class FlowCb(CallbackData, prefix="qf"):
    action: FlowAction


class ReadyCb(CallbackData, prefix="rd"):
    days: int


class PriorityCb(CallbackData, prefix="pr"):
    level: int


class QuoteAction(StrEnum):
    ORDER = "order"
    MANAGER = "mgr"
    LATER = "later"


class QuoteCb(CallbackData, prefix="qt"):
    action: QuoteAction
    quote: int
    option: int = 0


class RefuseCb(CallbackData, prefix="rf"):
    quote: int
    reason: str


class QueueAction(StrEnum):
    TAKE = "take"
    PASS = "pass"  # noqa: S105 (a button, not a password)


class QueueCb(CallbackData, prefix="rq"):
    """Take or Pass on a request offered to the managers' queue."""

    action: QueueAction
    request: int


class DeskAction(StrEnum):
    NEW = "new"
    OPEN = "open"
    PRICE = "price"
    SEND = "send"


class DeskCb(CallbackData, prefix="dk"):
    """A manager answering a request in the bot; option is the 0-based option to re-price."""

    action: DeskAction
    request: int
    option: int = 0


class ClientCb(CallbackData, prefix="cl"):
    """A client picked from the staff bot's search; `before` pages back through the timeline."""

    client: int
    before: int = 0


class LogStep(StrEnum):
    CLIENT = "c"
    KIND = "k"
    SUBJECT = "s"


class LogCb(CallbackData, prefix="lc"):
    """One tap of "Log a contact": the client, then the kind, then the subject."""

    step: LogStep
    value: str


class TaskAction(StrEnum):
    SHOW = "s"
    DONE = "d"
    RATE = "r"


class TaskCb(CallbackData, prefix="tk"):
    """A task picked from Today or My plan, Done on its card, or a quality mark (1-5)."""

    action: TaskAction
    task: int
    mark: int = 0


class DueChoice(StrEnum):
    TOMORROW = "1"
    IN_3_DAYS = "3"
    NEXT_WEEK = "7"


class AssignStep(StrEnum):
    START = "go"
    PERSON = "p"
    DUE = "d"
    FOLLOW_UP = "f"
    PRIVATE = "x"
    FIGURES = "fg"
    REMIND_AT = "rt"
    DUTY = "du"
    TO_RATE = "tr"
    KIND = "k"
    CLIENT = "cl"


class AssignCb(CallbackData, prefix="as"):
    """Setting a task from the bot: for a team member (management) or a follow-up (anyone)."""

    step: AssignStep
    value: str = ""


class TrackCb(CallbackData, prefix="tr"):
    """A client's shipment picked from their open ones (the number, as the client types it)."""

    number: str


class ShipAction(StrEnum):
    LIST = "ls"
    OPEN = "op"
    MOVE = "mv"  # the statuses that may follow, recorded at once
    STATUS = "st"  # value: the status
    EVENT = "ev"  # the statuses, then "place; note"
    DETAILS = "ed"  # value: the status
    PUSH = "pu"  # value: the status pushed through with a reason
    ATTACH = "at"
    CARRIER = "cr"  # value: "" (the legs), "<leg>" (its carriers), "<leg>.<carrier id>"
    SKIP = "sk"  # skip the current optional step


class ShipCb(CallbackData, prefix="sh"):
    """Shipments in the staff bot: dispatchers, managers and carriers' people."""

    action: ShipAction
    number: str = ""
    value: str = ""


class StopOffersCb(CallbackData, prefix="ms"):
    """ "Stop these messages" under a mailing: the campaign, for the consent evidence."""

    campaign: int


class ReportAction(StrEnum):
    OPEN = "o"  # the report's screen: periods and digests
    PERIOD = "p"  # value: the period preset
    DIGEST = "d"  # value: "w1"/"w0" (weekly on/off) or "m1"/"m0" (monthly)


class ReportCb(CallbackData, prefix="rp"):
    """A report in the staff bot: its key (checked against the person's role on every tap)."""

    action: ReportAction
    key: str
    value: str = ""
