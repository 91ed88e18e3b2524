"""Revision history: what is recorded (django-reversion) and how two revisions differ.

A revision of a case study holds the whole story: the case study and every part of it. Each
part follows its case study back, so a change to one outcome, from any admin page, is also a
revision of the case study it belongs to. That keeps a case study's history complete, and lets a
deleted case study be recovered together with everything that hung on it.
"""

import difflib
import re
from dataclasses import dataclass, field

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from reversion.models import Version

from casebase.content.models import (
    CaseStudy,
    CaseStudyPerson,
    Contribution,
    Correction,
    Finding,
    Grade,
    GradeScale,
    Indicator,
    Organisation,
    OrganisationFact,
    OrganisationType,
    Outcome,
    Person,
    Practice,
    PracticeApplication,
    PracticeTheme,
    Quote,
    Recommendation,
    Role,
    Sector,
    Source,
    Testimonial,
)

# What each recorded model's revisions carry along with it. Roles follow neither their person
# nor their organisation: that chain would reach every connected person and organisation.
FOLLOWS: dict[type[models.Model], tuple[str, ...]] = {
    CaseStudy: (
        "participants",
        "applications",
        "outcomes",
        "contributions",
        "quotes",
        "corrections",
    ),
    CaseStudyPerson: ("case_study",),
    PracticeApplication: ("case_study",),
    Outcome: ("case_study",),
    Contribution: ("case_study",),
    Quote: ("case_study",),
    Correction: ("case_study",),
    Organisation: ("facts", "roles"),
    OrganisationFact: ("organisation",),
    Person: ("roles",),
    GradeScale: ("grades",),
    Grade: ("scale",),
}
STANDALONE = (
    Sector,
    OrganisationType,
    Source,
    Indicator,
    PracticeTheme,
    Practice,
    Role,
    Finding,
    Recommendation,
    Testimonial,
)


# Fields derived from content, not content: restoring a revision changes what readers see,
# so its public date must move, not go back to the one recorded with the revision.
NOT_RECORDED: dict[type[models.Model], tuple[str, ...]] = {
    CaseStudy: ("public_updated_at", "public_fingerprint"),
}


def register_models() -> None:
    for model, follow in FOLLOWS.items():
        reversion.register(model, follow=follow, exclude=NOT_RECORDED.get(model, ()))
    for model in STANDALONE:
        reversion.register(model)


# Fields whose changes only restate that a change happened.
BOOKKEEPING_FIELDS = {"updated_at", "created_at"}


@dataclass
class FieldChange:
    label: str
    before: SafeString
    after: SafeString


@dataclass
class RecordChange:
    kind: str  # "added", "changed" or "removed"
    model_name: str
    record: str
    fields: list[FieldChange] = field(default_factory=list)


def revision_changes(version: Version) -> list[RecordChange]:
    """What the revision holding `version` changed in that record and its parts, each compared
    with the state it had before. Other records saved in the same revision (a compendium load
    touches everything) belong to their own histories."""
    previous = (
        Version.objects.get_for_object_reference(version._model, version.object_id)
        .filter(pk__lt=version.pk)
        .order_by("-pk")
        .first()
    )
    now = _record_and_parts(version)
    before = _record_and_parts(previous) if previous else {}
    changes = []
    for key, new in now.items():
        old = before.get(key) or (previous and _latest_before(key, version.revision_id))
        change = _record_change(old or None, new)
        if change:
            changes.append(change)
    for key, old in before.items():
        if key not in now:  # a followed relation is recorded in full: a missing part was removed
            changes.append(RecordChange("removed", _model_name(old), old.object_repr))
    return changes


def _record_and_parts(version: Version) -> dict[tuple[int, str], Version]:
    """The record's version in its revision, first, then those of the parts it follows."""
    parts = _part_links(version._model)
    found = {(version.content_type_id, version.object_id): version}
    siblings = Version.objects.filter(
        revision_id=version.revision_id,
        content_type__in=[ContentType.objects.get_for_model(part) for part in parts],
    ).exclude(pk=version.pk)
    for other in siblings.select_related("content_type").order_by("pk"):
        link = parts.get(other._model)
        if link and str(other.field_dict.get(link)) == version.object_id:
            found[(other.content_type_id, other.object_id)] = other
    return found


def _part_links(model) -> dict[type[models.Model], str]:
    """Each model `model` follows as its parts, with the field by which a part points to it."""
    links = {}
    for name in FOLLOWS.get(model, ()):
        relation = model._meta.get_field(name)
        if relation.one_to_many:
            links[relation.related_model] = relation.field.attname
    return links


def _latest_before(key: tuple[int, str], revision_id: int) -> Version | None:
    content_type_id, object_id = key
    return (
        Version.objects.filter(
            content_type_id=content_type_id, object_id=object_id, revision_id__lt=revision_id
        )
        .order_by("-pk")
        .first()
    )


def _model_name(version: Version) -> str:
    return str(version._model._meta.verbose_name).capitalize()


def _record_change(old: Version | None, new: Version) -> RecordChange | None:
    if old is None:
        return RecordChange("added", _model_name(new), new.object_repr)
    old_fields, new_fields = _comparable_fields(old), _comparable_fields(new)
    fields = [
        _field_change(new._model, name, old_fields.get(name), value)
        for name, value in new_fields.items()
        if old_fields.get(name) != value
    ]
    if not fields:
        return None
    return RecordChange("changed", _model_name(new), new.object_repr, fields)


def _comparable_fields(version: Version) -> dict:
    """The fields an editor cares about, with line breaks alike: browsers send CRLF, so a text
    saved from a form can differ from the loaded one in that alone."""
    return {
        name: value.replace("\r\n", "\n") if isinstance(value, str) else value
        for name, value in version.field_dict.items()
        if name not in BOOKKEEPING_FIELDS
    }


def _field_change(model, name: str, before, after) -> FieldChange:
    model_field = model._meta.get_field(name)
    label = str(getattr(model_field, "verbose_name", name)).capitalize()
    if isinstance(before, str) and isinstance(after, str) and not model_field.choices:
        old_html, new_html = word_diff(before, after)
        return FieldChange(label, old_html, new_html)
    return FieldChange(
        label,
        format_html("<del>{}</del>", _display(model_field, before)),
        format_html("<ins>{}</ins>", _display(model_field, after)),
    )


def _display(model_field, value) -> str:
    """A value as an editor reads it: a choice's label, a related record's name."""
    if value in (None, "", []):
        return "(empty)"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        ids = value if isinstance(value, list) else [value]
        related = model_field.related_model._default_manager.filter(pk__in=ids)
        names = [str(obj) for obj in related] or [f"#{pk} (since deleted)" for pk in ids]
        return "; ".join(names)
    return str(value)


TOKEN = re.compile(r"\s+|[^\s]+")


def word_diff(before: str, after: str) -> tuple[SafeString, SafeString]:
    """The two texts, with deleted words marked in the first and inserted words in the second."""
    old_words, new_words = TOKEN.findall(before), TOKEN.findall(after)
    old_parts, new_parts = [], []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_text, new_text = "".join(old_words[i1:i2]), "".join(new_words[j1:j2])
        if op == "equal":
            old_parts.append(("{}", old_text))
            new_parts.append(("{}", new_text))
            continue
        if old_text:
            old_parts.append(("<del>{}</del>", old_text))
        if new_text:
            new_parts.append(("<ins>{}</ins>", new_text))
    return _join(old_parts) or "(empty)", _join(new_parts) or "(empty)"


def _join(parts) -> SafeString:
    return format_html_join("", "{}", ((format_html(template, text),) for template, text in parts))
