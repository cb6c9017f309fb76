"""Make the English catalog complete: English is the source language, so msgstr = msgid.

Run by `make i18n-update`; the completeness test then holds every catalog to the same rule.
"""

from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOG = Path(__file__).resolve().parent.parent / "locales/en/LC_MESSAGES/messages.po"


def main() -> None:
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            message.string = tuple(message.id)
        else:
            message.string = message.id
        message.flags.discard("fuzzy")
    with CATALOG.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True)


if __name__ == "__main__":
    main()
