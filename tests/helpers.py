"""Helpers for tests: driving the admin as a person would, and pinning query counts."""

from django.contrib.auth.models import Group
from django.test import Client

from casebase.catalogue import index as catalogue
from casebase.content.changes import content_changed, touched_by
from casebase.site import rows


def index_built() -> None:
    """Build the catalogue index before a pinned count (it is built once per change to content,
    not per request) and drop its kept searches and the kept result rows, so a search is counted
    as a first one and a catalogue or practice page as the first to show its rows."""
    catalogue.current().searches.clear()
    rows.kept.clear()


def member_of(group: str, django_user_model) -> Client:
    user = django_user_model.objects.create_user(group.lower(), password="a long password!")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def form_data(response) -> dict:
    """What the browser would post back from this change page, inline rows included."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += formset.forms
        management = formset.management_form
        data |= {
            management.add_prefix(name): management[name].value() for name in management.fields
        }
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def saved(*records) -> None:
    """Save records as an editor's change does: the writes, then the one call that makes
    search, the catalogue and the pages follow (casebase.content.changes)."""
    for record in records:
        record.save()
    content_changed(touched_by(records))


def deleted(*records) -> None:
    touched = touched_by(records)
    for record in records:
        record.delete()
    content_changed(touched)
