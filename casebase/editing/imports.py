"""Spreadsheet imports and exports for editors (django-import-export).

An import is previewed first (a dry run: each row new, changed or unchanged, each error by row
and column) and then written all or nothing, in one transaction. Whatever it adds arrives as a
draft, whatever the file says (status is exported, never imported); each record it writes gets a
revision ("Imported from organisations.csv"), and the one "content changed" call follows once,
after its writes. An Editor's import may not change what is live, the rule the admin's forms
follow (casebase.editing.permissions); refused rows are errors, so nothing is imported.
"""

import reversion
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.http import HttpRequest
from django.shortcuts import redirect
from import_export import resources, widgets
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.fields import Field
from import_export.formats.base_formats import CSV, XLSX

from casebase.content.changes import touched_by
from casebase.content.models import (
    CaseStudy,
    Grade,
    Indicator,
    Organisation,
    OrganisationType,
    Outcome,
    Person,
    Publishable,
    Role,
    Source,
    Status,
)
from casebase.editing.permissions import refusal, why_live

# --- Columns ------------------------------------------------------------------------------


class SlugWidget(widgets.ForeignKeyWidget):
    """A related record named by its slug (or, `by_name`, its exact name); an unknown one is an
    error in its own column."""

    def __init__(self, model: type[models.Model], *, by_name: bool = False):
        super().__init__(model, "slug")
        self.by_name = by_name

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            if self.by_name:
                found = self.get_queryset(value, row).filter(name=str(value).strip()).first()
                if found:
                    return found
            name = self.model._meta.verbose_name
            raise ValueError(f"No {name} has the slug “{value}”.") from None


class GradeWidget(widgets.ForeignKeyWidget):
    """A grade by its name, on the scale of the row's indicator ("Good" on CQC's scale)."""

    def __init__(self):
        super().__init__(Grade, "name")

    def get_queryset(self, value, row, *args, **kwargs):
        return Grade.objects.filter(scale__indicators__slug=(row or {}).get("indicator"))

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except Grade.DoesNotExist:
            raise ValueError(f"The indicator's scale has no grade “{value}”.") from None

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


def slug_column(name: str, model: type[models.Model], **kwargs) -> Field:
    return Field(attribute=name, column_name=name, widget=SlugWidget(model, **kwargs))


def status_column() -> Field:
    """Exported so a spreadsheet says what is live; never read from a file."""
    return Field(attribute="status", column_name="status", readonly=True)


# --- What every import does ---------------------------------------------------------------


class DraftResource(resources.ModelResource):
    """Rows become drafts with a revision each; the Editor's rule on live records holds."""

    def __init__(self, *, user=None, editor_only: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.editor_only = editor_only
        self.keys_seen: dict[tuple, int] = {}
        self.written: list[models.Model] = []

    class Meta:
        skip_unchanged = True  # an unchanged row is shown as such and not written again
        report_skipped = True
        clean_model_instances = True  # full_clean(): the models' validators and constraints
        use_transactions = True  # all or nothing

    def before_import_row(self, row, row_number=None, **kwargs):
        """A record named twice in one file would be written twice: the second is an error."""
        key = tuple(str(row.get(name) or "").strip() for name in self._meta.import_id_fields)
        first = self.keys_seen.setdefault(key, row_number)
        if first != row_number:
            column = self._meta.import_id_fields[-1]
            raise ValidationError({column: f"Row {first} of this file has this {column} too."})

    def after_init_instance(self, instance, new, row, **kwargs):
        instance._live_before = None if new else why_live(instance)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        reason = self.editor_only and (instance._live_before or self._live_after(instance))
        if reason:
            errors[NON_FIELD_ERRORS] = [refusal(instance, reason)]
        super().validate_instance(instance, errors, validate_unique)

    def _live_after(self, instance) -> str | None:
        try:
            return why_live(instance)
        except models.ObjectDoesNotExist:  # a required link left empty: full_clean says so
            return None

    def before_save_instance(self, instance, row, **kwargs):
        if isinstance(instance, Publishable) and instance.pk is None:
            instance.status = Status.DRAFT

    def after_save_instance(self, instance, row, **kwargs):
        self.written.append(instance)

    def after_import(self, dataset, result, **kwargs):
        """Inside the import's transaction: a revision per record, then the one call that
        makes search, the catalogue and the pages follow."""
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        if not self.written:
            return
        from casebase.editing.admin import changed  # here: the admin imports this module

        comment = f"Imported from {kwargs.get('file_name') or 'a spreadsheet'}."
        for obj in self.written:
            with reversion.create_revision():
                reversion.set_comment(comment)
                if self.user is not None and self.user.is_authenticated:
                    reversion.set_user(self.user)
                reversion.add_to_revision(obj)
        changed(touched_by(self.written))


# --- The imports --------------------------------------------------------------------------


class OrganisationResource(DraftResource):
    type = slug_column("type", OrganisationType)
    status = status_column()

    class Meta(DraftResource.Meta):
        model = Organisation
        import_id_fields = ("slug",)
        fields = (
            "slug",
            "name",
            "type",
            "region",
            "area_served",
            "aliases",
            "summary",
            "ods_code",
            "gss_code",
            "ukprn",
            "status",
        )


class PersonResource(DraftResource):
    status = status_column()

    class Meta(DraftResource.Meta):
        model = Person
        import_id_fields = ("slug",)
        fields = ("slug", "name", "honorific", "post_nominals", "aliases", "summary", "status")


class RoleResource(DraftResource):
    person = slug_column("person", Person, by_name=True)
    organisation = slug_column("organisation", Organisation)
    source = slug_column("source", Source)

    class Meta(DraftResource.Meta):
        model = Role
        import_id_fields = ("person", "organisation", "title")
        fields = (
            "person",
            "title",
            "organisation",
            "start_year",
            "end_year",
            "is_current",
            "title_aliases",
            "source",
        )


class OutcomeResource(DraftResource):
    case_study = slug_column("case_study", CaseStudy)
    indicator = slug_column("indicator", Indicator)
    baseline_grade = Field("baseline_grade", "baseline_grade", widget=GradeWidget())
    result_grade = Field("result_grade", "result_grade", widget=GradeWidget())
    source = slug_column("source", Source)
    status = status_column()

    class Meta(DraftResource.Meta):
        model = Outcome
        import_id_fields = ("case_study", "slug")
        fields = (
            "case_study",
            "slug",
            "label",
            "indicator",
            "baseline_grade",
            "baseline_value",
            "baseline_year",
            "result_grade",
            "result_value",
            "result_year",
            "timeframe",
            "direction",
            "evidence",
            "design",
            "statement",
            "source",
            "status",
        )


# --- The admin's side ---------------------------------------------------------------------


class SpreadsheetExportMixin(ExportMixin):
    """An "Export" button and action on the change list: CSV or XLSX, of what the list shows
    (its filters and search), to whoever may see the list."""

    formats = [CSV, XLSX]

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)


class SpreadsheetImportMixin(ImportExportMixin, SpreadsheetExportMixin):
    """An "Import" button too, for Editors and Publishers (content.import_records)."""

    def has_import_permission(self, request: HttpRequest) -> bool:
        allowed = request.user.has_perm("content.import_records")
        return allowed and self.has_add_permission(request)

    def get_import_resource_kwargs(self, request, **kwargs):
        return super().get_import_resource_kwargs(request, **kwargs) | {
            "user": request.user,
            "editor_only": not request.user.has_perm("content.publish"),
        }

    def get_import_data_kwargs(self, **kwargs):
        # The file confirmed is read again: if the database changed since the preview in a way
        # that makes a row invalid, nothing is written.
        return super().get_import_data_kwargs(**kwargs) | {"rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                "Nothing was imported: the records changed since the preview. Import the file "
                "again to see why.",
                level="error",
            )
            opts = self.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_import")
        return super().process_result(result, request)
