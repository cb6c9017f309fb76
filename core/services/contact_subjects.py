"""What a logged contact can be about: the built-in subjects plus the company's own.

Built-in subjects are rows with a stable `code` (core/services/interactions.Subject) and no
name: they read in each person's language. A company adds its own with a name in its own
words, and can switch any of them off. A dossier entry keeps the code of a built-in subject
and the name of a company one, so it reads the same after the list changes.
"""

from __future__ import annotations

from core.models import ContactSubject
from core.services.interactions import LOGGABLE_SUBJECTS, subject_label


async def ensure_builtin_subjects() -> None:
    """Add the built-in subjects a fresh (or older) database lacks; safe to call any time."""
    have = set(
        await ContactSubject.filter(code__in=LOGGABLE_SUBJECTS).values_list("code", flat=True)
    )
    missing = [
        ContactSubject(code=code, position=index * 10)
        for index, code in enumerate(LOGGABLE_SUBJECTS)
        if code not in have
    ]
    if missing:
        await ContactSubject.bulk_create(missing, ignore_conflicts=True)


async def loggable_subjects() -> list[ContactSubject]:
    await ensure_builtin_subjects()
    return list(await ContactSubject.filter(is_active=True).order_by("position", "id"))


def stored_subject(row: ContactSubject) -> str:
    """What the dossier entry keeps: the built-in code, or the company's own wording."""
    return row.name or row.code


def label_of(row: ContactSubject) -> str:
    return row.name or subject_label(row.code)
