"""Every message in the code is translated in every catalog, and nothing is fuzzy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from core.config import SUPPORTED_LANGUAGES
from core.i18n import I18n

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
METHODS = [
    ("core/**.py", "python"),
    ("bot/**.py", "python"),
    ("admin_web/**.py", "python"),
    ("admin_web/templates/**.html", "jinja2"),
]


def source_messages() -> set[str]:
    found: set[str] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_catalog_translates_every_message_in_the_code(language):
    with (ROOT / f"locales/{language}/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    missing = sorted(m for m in source_messages() if not catalog.get(m))
    assert not missing, f"{language}: not in the catalog (run make i18n-update): {missing}"
    empty = sorted(m.id for m in catalog if m.id and not m.string)
    assert not empty, f"{language}: untranslated: {empty}"
    fuzzy = sorted(m.id for m in catalog if m.id and m.fuzzy)
    assert not fuzzy, f"{language}: fuzzy: {fuzzy}"
    for message in catalog:
        if message.id and isinstance(message.id, str):
            wanted = set(re.findall(r"\{\w+\}", message.id))
            assert wanted == set(re.findall(r"\{\w+\}", message.string)), message.id


def test_translations_differ_from_english_and_reach_the_user():
    i18n = I18n()
    for language in ("ru", "yo"):
        assert i18n.gettext("Request a quote", language) != "Request a quote"
        with i18n.use_locale(language):
            assert i18n.gettext("Settings") == i18n.gettext("Settings", language)


def test_stop_word_exists_in_every_language():
    i18n = I18n()
    words = i18n.every_translation("STOP")
    assert "STOP" in words
    assert len(words) == len(SUPPORTED_LANGUAGES)
