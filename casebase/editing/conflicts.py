"""Edit conflicts: what an editor's form was opened on, and what has changed in it since.

A form shows a record and, inline, its parts (a case study's outcomes, quotes, credits...).
When it is built it notes when each of them was last saved: the record's and every part's
`updated_at`, keyed by model and id. When it is posted, the same is read again. A part saved,
added or deleted by someone else in between (on its own page, say) would otherwise be put back
silently by the stale copy in the form, so each difference is named to the editor instead.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils import timezone
from reversion.models import Version


@dataclass(frozen=True)
class Part:
    """One kind of part shown inline: rows of `model` whose `link` points at the record."""

    model: type[models.Model]
    link: str
    label: str  # how the form names one row: "quote", "practice credited for an outcome"


def fingerprint(record: models.Model, parts: list[Part]) -> str:
    """What the form shows, as the record was loaded and its parts are now: one query per
    kind of part."""
    return _encode({**_record_version(record, record), **_part_versions(record, parts)})


def changes_since(opened: str, record: models.Model, parts: list[Part]) -> tuple[str, list[str]]:
    """The fingerprint now, read from the database, and each difference from `opened`, in
    words ("the quote “…” was changed at 14:02:11 on 4 December 2026")."""
    saved = type(record)._default_manager.filter(pk=record.pk).first()
    now = {**_record_version(record, saved), **_part_versions(record, parts)}
    then = _decode(opened)
    labels = {part.model._meta.label: part for part in parts}
    changes = []
    for key, stamp in now.items():
        if then.get(key) != stamp:
            changes.append(_changed(key, stamp, then, record, labels))
    for key in then.keys() - now.keys():
        changes.append(_deleted(key, labels))
    return _encode(now), changes


def _record_version(record: models.Model, saved: models.Model | None) -> dict[str, str]:
    stamp = getattr(saved, "updated_at", None)
    return {_key(type(record), record.pk): stamp.isoformat()} if stamp else {}


def _part_versions(record: models.Model, parts: list[Part]) -> dict[str, str]:
    versions = {}
    for part in parts:
        rows = part.model._default_manager.filter(**{part.link: record.pk})
        for pk, stamp in rows.values_list("pk", "updated_at"):
            versions[_key(part.model, pk)] = stamp.isoformat()
    return versions


def _changed(key: str, stamp: str, then: dict, record, labels: dict[str, Part]) -> str:
    label, pk = _split(key)
    when = _when(datetime.fromisoformat(stamp))
    if label == type(record)._meta.label:
        return f"the {record._meta.verbose_name} itself was changed at {when}"
    part = labels[label]
    row = part.model._default_manager.filter(pk=pk).first()  # None if deleted this instant
    verb = "changed" if key in then else "added"
    return f"the {part.label} “{row or '…'}” was {verb} at {when}"


def _deleted(key: str, labels: dict[str, Part]) -> str:
    """A deleted part is named, with when, from its last revision (the admin records one on
    deleting), if it has one."""
    label, pk = _split(key)
    part = labels.get(label)
    if part is None:  # not something this form shows: a garbled fingerprint
        return "something you opened was changed"
    last = Version.objects.get_for_object_reference(part.model, pk).first()
    if last is None:
        return f"a {part.label} you opened was deleted"
    when = _when(last.revision.date_created)
    return f"the {part.label} “{last.object_repr}” was deleted at {when}"


def _when(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M:%S} on {local.day} {local:%B %Y}"


def _key(model: type[models.Model], pk) -> str:
    return f"{model._meta.label}:{pk}"


def _split(key: str) -> tuple[str, str]:
    label, _, pk = key.rpartition(":")
    return label, pk


def _encode(versions: dict[str, str]) -> str:
    return " ".join(f"{key}@{stamp}" for key, stamp in sorted(versions.items()))


def _decode(text: str) -> dict[str, str]:
    """Whatever the browser posted back: a token that does not parse simply matches nothing."""
    pairs = (token.partition("@") for token in text.split())
    return {key: stamp for key, _, stamp in pairs}


def inline_part(parent: type[models.Model], inline) -> Part:
    """The part an admin inline class shows on `parent`'s form."""
    link = inline.fk_name or next(
        field.name
        for field in inline.model._meta.fields
        if field.many_to_one and field.related_model is parent
    )
    return Part(inline.model, link, str(inline.verbose_name or inline.model._meta.verbose_name))
