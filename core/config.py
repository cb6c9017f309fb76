"""Settings: every knob Ona has, read once from the environment (and `.env`)."""

from __future__ import annotations

import re
import zoneinfo
from enum import StrEnum
from typing import Self
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SUPPORTED_LANGUAGES = ("en", "ru", "yo")

_TELEGRAM_TOKEN = re.compile(r"^\d+:[\w-]+$")


class TelegramMode(StrEnum):
    POLLING = "polling"
    WEBHOOK = "webhook"


class ConfigError(Exception):
    """Configuration that cannot work; main.py prints it as one line and exits with code 2."""


class Settings(BaseSettings):
    """The flat names of docs/architecture.md; secrets are SecretStr so they never reach logs."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    database_url: str = "sqlite://data/ona.sqlite3"
    redis_url: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)
    public_url: str | None = None
    secret_key: SecretStr = SecretStr("")
    default_language: str = "en"
    timezone: str = "Africa/Lagos"
    currency: str = "NGN"
    phone_region: str = "NG"

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_mode: TelegramMode = TelegramMode.POLLING
    telegram_webhook_secret: SecretStr | None = None

    viber_auth_token: SecretStr | None = None
    viber_api_url: str = "https://chatapi.viber.com/pa"
    viber_bot_name: str = "Ona"

    invite_ttl_hours: int = Field(24, gt=0)
    quote_valid_days: int = Field(7, gt=0, le=365)
    quote_reminder_days: int = Field(2, gt=0, le=365)
    # A manager is reminded of a client whose open request had no contact for this long.
    stale_request_days: int = Field(3, gt=0, le=365)
    # A client in a live chat waiting this long for a reply alerts the head of sales.
    relay_response_minutes: int = Field(15, gt=0, le=1440)
    # Photos and documents of shipments: a directory, or an S3-compatible bucket when
    # S3_BUCKET is set (with the `s3` extra installed).
    media_dir: str = "media"
    media_max_mb: int = Field(10, gt=0, le=100)
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_access_key: SecretStr | None = None
    s3_secret_key: SecretStr | None = None
    s3_region: str | None = None
    # A public tracking link keeps working this many days after delivery.
    tracking_link_days: int = Field(30, gt=0, le=3650)
    # A shipment expected later than promised by more than this alerts its manager.
    shipment_late_hours: int = Field(6, gt=0, le=24 * 30)
    # Mailings (docs/mailings.md). Email goes out when SMTP_HOST is set, SMS when
    # SMS_URL_TEMPLATE is; Telegram and Viber use the bots above.
    smtp_host: str | None = None
    smtp_port: int = Field(587, gt=0, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str | None = None
    smtp_starttls: bool = True
    smtp_tls: bool = False
    smtp_rate: float = Field(10.0, gt=0, le=1000)
    dkim_selector: str | None = None
    dkim_domain: str | None = None
    dkim_private_key: SecretStr | None = None
    sms_url_template: str | None = None
    sms_method: str = "POST"
    sms_body_format: str = "form"
    sms_body_fields: dict[str, str] = Field(default_factory=dict)
    sms_username: str | None = None
    sms_password: SecretStr | None = None
    sms_token: SecretStr | None = None
    sms_sender: str = ""
    sms_id_path: str = "id"
    sms_error_path: str | None = None
    sms_rate: float = Field(5.0, gt=0, le=1000)
    # Sending speed per platform: Telegram about 30 a second per bot (and up to 1000 with
    # paid broadcasts), Viber 500 calls per 10 seconds.
    telegram_rate: float = Field(30.0, gt=0, le=1000)
    telegram_paid_rate: float = Field(1000.0, gt=0, le=1000)
    viber_rate: float = Field(50.0, gt=0, le=1000)
    # A stable name per worker process lets a restarted worker take back its own unsure
    # message at once (default: host name and process id).
    mailing_worker_id: str | None = None
    # Whether this process sends mailings (off in the tests, which drive the worker).
    mailing_worker: bool = True
    mailing_batch: int = Field(50, gt=0, le=1000)
    session_idle_minutes: int = Field(30, gt=0)
    session_max_hours: int = Field(12, gt=0)
    api_rate_limit_per_minute: int = Field(120, gt=0)
    webhook_timeout_seconds: float = Field(10.0, gt=0, le=60)
    webhook_max_age_hours: int = Field(24, gt=0)
    log_level: str = "INFO"

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        scheme = urlsplit(value).scheme
        if scheme not in {"sqlite", "postgres", "postgresql", "asyncpg", "psycopg"}:
            raise ValueError("DATABASE_URL must start with sqlite:// or postgres://")
        if scheme != "sqlite" and not urlsplit(value).hostname:
            raise ValueError("DATABASE_URL has no host")
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if urlsplit(value).scheme not in {"redis", "rediss", "unix"}:
            raise ValueError("REDIS_URL must start with redis://")
        return value

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError("PUBLIC_URL must be an absolute http(s) URL")
        return value.rstrip("/")

    @field_validator("telegram_api_url", "viber_api_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError("must be an absolute http(s) URL")
        return value.rstrip("/")

    @field_validator("default_language")
    @classmethod
    def _check_language(cls, value: str) -> str:
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"DEFAULT_LANGUAGE must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"TIMEZONE {value!r} is not a known IANA time zone") from exc
        return value

    @field_validator("currency")
    @classmethod
    def _check_currency(cls, value: str) -> str:
        value = value.upper()
        if not re.fullmatch(r"[A-Z]{3}", value):
            raise ValueError("CURRENCY must be an ISO 4217 code such as NGN")
        return value

    @field_validator("phone_region")
    @classmethod
    def _check_region(cls, value: str) -> str:
        try:
            Locale.parse(f"und_{value.upper()}")
        except (UnknownLocaleError, ValueError) as exc:
            raise ValueError("PHONE_REGION must be a two-letter country code") from exc
        return value.upper()

    @field_validator("smtp_host", "smtp_from", "sms_url_template", "mailing_worker_id")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("telegram_bot_token", "viber_auth_token", "telegram_webhook_secret")
    @classmethod
    def _empty_is_none(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        return value

    @model_validator(mode="after")
    def _check_combinations(self) -> Self:
        token = self.telegram_bot_token
        if token and not _TELEGRAM_TOKEN.match(token.get_secret_value()):
            raise ValueError("TELEGRAM_BOT_TOKEN is not shaped like 123456:ABC…")
        if token and self.telegram_mode is TelegramMode.WEBHOOK:
            if not self.telegram_webhook_secret:
                raise ValueError("TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_SECRET")
            if not self.public_url:
                raise ValueError("TELEGRAM_MODE=webhook needs PUBLIC_URL")
            if not re.fullmatch(
                r"[A-Za-z0-9_-]{1,256}", self.telegram_webhook_secret.get_secret_value()
            ):
                raise ValueError("TELEGRAM_WEBHOOK_SECRET may hold only A-Z, a-z, 0-9, _ and -")
        if self.smtp_host and not self.smtp_from:
            raise ValueError("SMTP_HOST needs SMTP_FROM, the address mailings come from")
        if len(self.secret_key.get_secret_value()) < 32:
            raise ValueError(
                "SECRET_KEY must be set to at least 32 characters (make run makes one)"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


def load_settings(**overrides: object) -> Settings:
    """Read settings once; turn pydantic's report into one line a person can act on."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]).upper()
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{where}: {message}" if where else message) from None
