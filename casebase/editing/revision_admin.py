"""The admin's side of revision history: every save, bulk action and deletion is a revision,
each revision shows what it changed, and restoring or recovering never publishes anything."""

from collections import defaultdict
from functools import partial

import reversion
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models.deletion import Collector
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from reversion.admin import VersionAdmin
from reversion.models import Version, _follow_relations_recursive, _safe_revert

from casebase.content.models import Publishable, Status
from casebase.editing.history import FOLLOWS, revision_changes


class RevisionHistoryAdmin(VersionAdmin):
    history_latest_first = True

    # --- Recording ----------------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        # VersionAdmin records the whole changelist request as one revision, so restoring one
        # record of a bulk action would revert them all. Each record gets its own instead.
        context = {"has_change_permission": self.has_change_permission(request)}
        context.update(extra_context or {})
        return super(VersionAdmin, self).changelist_view(request, context)

    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "GET":  # showing a form records nothing: no revision transaction
            return super(VersionAdmin, self).add_view(request, form_url, extra_context)
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            return super(VersionAdmin, self).change_view(
                request, object_id, form_url, extra_context
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if reversion.is_active():  # the add and change pages already record a revision
            return super().save_model(request, obj, form, change)
        with self.create_revision(request):  # a row saved from the list (list_editable)
            reversion.set_comment("Changed from the list.")
            super().save_model(request, obj, form, change)

    def record(self, request, objects, comment: str) -> None:
        """One revision per record, each with what hangs on it."""
        for obj in objects:
            with self.create_revision(request):
                reversion.set_comment(comment)
                reversion.add_to_revision(obj)

    def delete_model(self, request, obj):
        parents = self._before_deleting(request, [obj])
        super().delete_model(request, obj)
        self._after_deleting(request, parents)

    def delete_queryset(self, request, queryset):
        parents = self._before_deleting(request, list(queryset))
        super().delete_queryset(request, queryset)
        self._after_deleting(request, parents)

    def _before_deleting(self, request, objects) -> list:
        """The last state of what is deleted is saved first, so it can be recovered with its
        parts. Returns what the deleted records belonged to."""
        self.record(request, objects, "Deleted. Recoverable from “Recover deleted”.")
        parents = {}
        for obj in objects:
            parents.update({(type(p), p.pk): p for p in followed_parents(obj)})
        return list(parents.values())

    def _after_deleting(self, request, parents) -> None:
        """What the deleted records belonged to records their removal, if it still exists."""
        surviving = [p for p in parents if type(p)._default_manager.filter(pk=p.pk).exists()]
        for parent in surviving:
            parent.refresh_from_db()
        self.record(request, surviving, "A part was deleted.")

    # --- Restoring ----------------------------------------------------------------------

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restoring brings back content, not publication: the record and its parts keep
        their statuses."""
        version = get_object_or_404(Version, pk=version_id, object_id=unquote(object_id))
        request.statuses_on_restore = statuses_to_keep(record_versions(version))
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        """A recovered record comes back with its parts as drafts, to be published
        deliberately."""
        version = get_object_or_404(Version, pk=version_id)
        request.statuses_on_restore = statuses_to_keep(record_versions(version))
        return super().recover_view(request, version_id, extra_context)

    def _reversion_revisionform_view(self, request, version, template_name, extra_context=None):
        """django-reversion writes back the whole revision the version belongs to, and one
        revision may hold many records (loading the compendium is one of every record):
        restoring Leeds from it reverted every other case study, organisation and source.
        Only the record and its parts are written back. (A private method of
        django-reversion 6, the one place that calls `revision.revert`.)"""
        version.revision.revert = partial(revert_record, version)
        return super()._reversion_revisionform_view(request, version, template_name, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """When restoring or recovering, django-reversion has just written the revision back
        (in a transaction that showing the form rolls back and saving it commits): the
        statuses are put back before the form reads the record and its parts."""
        keep = getattr(request, "statuses_on_restore", None)
        if keep:
            for (model, status), pks in keep.items():
                model._default_manager.filter(pk__in=pks).update(status=status)
        return super().changeform_view(request, object_id, form_url, extra_context)

    # --- Reading: what a revision changed -----------------------------------------------

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_revision_changes"
        view = self.admin_site.admin_view(self.revision_changes_view)
        changes = path("<path:object_id>/history/<int:version_id>/changes/", view, name=name)
        return [changes, *super().get_urls()]

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        context = {"has_change_permission": self.has_change_permission(request, obj)}
        return super().history_view(request, object_id, {**context, **(extra_context or {})})

    def revision_changes_view(self, request, object_id, version_id):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        version = get_object_or_404(
            Version.objects.select_related("revision__user"),
            pk=version_id,
            object_id=unquote(object_id),
            content_type=ContentType.objects.get_for_model(self.model),
        )
        obj = self.get_object(request, unquote(object_id))
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "object_id": object_id,
            "version": version,
            "revision": version.revision,
            "changes": revision_changes(version),
            "object_exists": obj is not None,
            "has_change_permission": self.has_change_permission(request, obj),
            "title": f"What changed in {opts.verbose_name} “{version.object_repr}”",
        }
        return TemplateResponse(request, "admin/revision_changes.html", context)


def record_versions(version: Version) -> list[Version]:
    """The versions, in `version`'s revision, of its record and of the record's parts (what
    the record follows, such as a case study's outcomes), without the revision's other
    records."""
    model = version._model
    record_pk = model._meta.pk.to_python(version.object_id)
    part_links = {}  # each kind of part, and its field naming the record it belongs to
    for name in FOLLOWS.get(model, ()):
        relation = model._meta.get_field(name)
        if relation.one_to_many:
            part_links[relation.related_model] = relation.field.attname
    kept = []
    for other in version.revision.version_set.select_related("content_type"):
        link = part_links.get(other._model)
        if other.pk == version.pk or (link and other.field_dict.get(link) == record_pk):
            kept.append(other)
    return kept


def revert_record(version: Version, delete: bool = False) -> None:
    """As `Revision.revert`, for the record and its parts only: with `delete`, parts added
    since the revision are deleted, as django-reversion does."""
    versions = record_versions(version)
    model = version._model
    record = model._default_manager.filter(pk=version.object_id).first()  # None: recovering
    if delete and record is not None:
        kept = {(other._model, str(other.object_id)) for other in versions}
        added_since = [
            part
            for part in _follow_relations_recursive(record)
            if part != record and (type(part), str(part.pk)) not in kept
        ]
        collector = Collector(using=version.db)
        collector.collect(added_since)
        collector.delete()
    _safe_revert(versions)


def statuses_to_keep(versions: list[Version]) -> dict[tuple[type, str], list]:
    """The ids of every publishable record among `versions`, by model and the status each has
    now: a record deleted since comes back as a draft."""
    ids = defaultdict(list)
    for version in versions:
        model = version._model
        if issubclass(model, Publishable):
            ids[model].append(model._meta.pk.to_python(version.object_id))
    keep = defaultdict(list)
    for model, pks in ids.items():
        now = dict(model._default_manager.filter(pk__in=pks).values_list("pk", "status"))
        for pk in pks:
            keep[model, now.get(pk, Status.DRAFT)].append(pk)
    return keep


def followed_parents(obj) -> list:
    """The records that `obj` belongs to and whose revisions hold it (a case study, say)."""
    parents = []
    for name in FOLLOWS.get(type(obj), ()):
        model_field = obj._meta.get_field(name)
        if model_field.many_to_one and getattr(obj, model_field.attname):
            parents.append(getattr(obj, name))
    return parents
