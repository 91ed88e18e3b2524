"""The editors' admin: one page per case study, drafts by default, fixed query counts."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten
from django.db import models
from django.db.models import Count, Prefetch, QuerySet
from django.forms import BaseInlineFormSet, Textarea
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import ngettext

from casebase.content.changes import Touched, content_changed, touched_by
from casebase.content.models import (
    IDENTIFIER_FIELDS,
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
    Status,
    Testimonial,
)
from casebase.content.services import public_dates_update
from casebase.editing import conflicts, imports
from casebase.editing.permissions import REFERENCE_DATA, refusal, why_live
from casebase.editing.revision_admin import RevisionHistoryAdmin

# --- Shared behaviour ---------------------------------------------------------------------


class TextareaField(forms.CharField):
    """Browsers send a textarea's line breaks as CRLF. Read as LF, a text the editor did not
    touch compares equal to the stored one, so it is neither saved again nor logged as
    changed."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if value else value


class TextareaMixin:
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.TextField) and not db_field.choices:
            kwargs.setdefault("form_class", TextareaField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class OpenedOnField(forms.CharField):
    """What the form was opened on, carried through the browser: never an edit in itself."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data) -> bool:
        return False


def can_publish(request: HttpRequest) -> bool:
    """Publishers make records public or take them down; Editors work on drafts."""
    return request.user.has_perm("content.publish")


def editable(request: HttpRequest, model: type[models.Model], obj=None) -> bool:
    """Editors change drafts; what is live (or was), only a Publisher changes (see
    casebase.editing.permissions). `obj` is the record, or the record an inline row is on."""
    if can_publish(request):
        return True
    return model not in REFERENCE_DATA and (obj is None or why_live(obj) is None)


class LiveCheckedForm(forms.ModelForm):
    """Every admin form (a record's, an inline row's, a list row's) refuses an Editor's change
    to a record that is live as it was, or would be live as changed: a credit moved to a
    published case study, a role added at a published organisation."""

    editor_only = False  # set by the admin for each request
    live_reason = ""  # why this row was refused (an inline formset checks rows it deletes)

    def _post_clean(self):
        touched = self.editor_only and self.has_changed()
        before = touched and self.instance.pk is not None and why_live(self.instance)
        super()._post_clean()  # the instance takes the form's values
        reason = before or (touched and why_live(self.instance))
        if reason:
            self.live_reason = reason
            self.add_error(None, refusal(self.instance, reason))


class LiveCheckedFormSet(BaseInlineFormSet):
    """Django ignores the errors of rows ticked for deletion: a live one is refused here."""

    def clean(self):
        super().clean()
        for form in self.forms:
            if form.live_reason and self.can_delete and self._should_delete_form(form):
                raise forms.ValidationError(refusal(form.instance, form.live_reason))


class LiveCheckedInline:
    """Inline rows follow the same rule: none on a live record's page (or of reference data)
    is added, changed or removed by an Editor, and each row is checked as it is saved."""

    form = LiveCheckedForm
    formset = LiveCheckedFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)  # a class made for this request
        formset.form.editor_only = not can_publish(request)
        return formset

    def has_add_permission(self, request, obj):
        return editable(request, self.model, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return editable(request, self.model, obj) and allowed

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return editable(request, self.model, obj) and allowed


class ConflictCheckedForm(LiveCheckedForm):
    """Refuses to save over someone else's save, of the record or of any part shown inline.

    The form remembers when the record and each of its parts were last saved as the editor
    opened it (see casebase.editing.conflicts). If any has been saved, added or deleted since,
    nothing is written, the editor's input stays in the form, and they are told which part
    changed and when; the form then carries the new state, so saving again is a deliberate
    choice.
    """

    editing_since = OpenedOnField(required=False)
    parts: list[conflicts.Part] = []  # what the admin shows inline (set by CasebaseAdmin)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            fingerprint = conflicts.fingerprint(self.instance, self.parts)
            self.fields["editing_since"].initial = fingerprint

    def clean(self):
        cleaned = super().clean()
        opened = self.data.get(self.add_prefix("editing_since"), "")
        if not self.instance.pk or not opened:
            return cleaned
        now, changes = conflicts.changes_since(opened, self.instance, self.parts)
        if changes:
            self.data = self.data.copy()
            self.data[self.add_prefix("editing_since")] = now
            raise forms.ValidationError(
                f"Someone else saved this record after you opened it: {'; '.join(changes)}. "
                "Nothing was saved: your changes are still in the form below. Open the record "
                "in a new tab to see what they changed; save again only if your version should "
                "replace theirs.",
                code="edit_conflict",
            )
        return cleaned


class CasebaseAdmin(TextareaMixin, RevisionHistoryAdmin):
    """Every model's admin: revision history, text areas that change only when edited, and
    no save over someone else's (see ConflictCheckedForm)."""

    form = ConflictCheckedForm

    def has_add_permission(self, request):
        return editable(request, self.model) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return editable(request, self.model, obj) and allowed

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return editable(request, self.model, obj) and allowed

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)  # a class made for this request
        form.parts = [conflicts.inline_part(self.model, inline) for inline in self.inlines]
        form.editor_only = not can_publish(request)
        return form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """An Editor opening a live record is told why it is read-only, not left to guess."""
        reason = obj is not None and not can_publish(request) and why_live(obj)
        if reason and request.method == "GET":
            messages.info(request, refusal(obj, reason))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_changelist_form(self, request, **kwargs):
        """Rows edited in the list (a theme's position) are checked like any form."""
        form = super().get_changelist_form(request, form=LiveCheckedForm, **kwargs)
        form.editor_only = not can_publish(request)
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        listed = {name for _, options in fieldsets for name in flatten(options["fields"])}
        if "editing_since" in listed:
            return fieldsets
        return [*fieldsets, (None, {"fields": ["editing_since"]})]

    # Whatever an editor saves, deletes, publishes, withdraws or restores is on the site (or
    # gone from it) at once: searchable, in the catalogue, on every page, with the public
    # dates of the case studies it touches moved if what readers see of them changed.

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # after inlines are saved
        changed(touched_by([form.instance]))

    def delete_model(self, request, obj):
        touched = touched_by([obj])
        super().delete_model(request, obj)
        changed(touched)

    def delete_queryset(self, request, queryset):
        touched = touched_by(queryset)
        super().delete_queryset(request, queryset)
        changed(touched)


def changed(touched: Touched) -> None:
    """Last, in the admin's transaction: no reader caches a page before its date has moved."""
    if touched.case_studies is not None:
        public_dates_update(case_study_ids=touched.case_studies)
    content_changed(touched)


@admin.action(description="Publish selected records", permissions=["publish"])
def publish(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
    _set_status(modeladmin, request, queryset, Status.PUBLISHED, "published")


@admin.action(description="Withdraw selected records from the site", permissions=["publish"])
def withdraw(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
    _set_status(modeladmin, request, queryset, Status.WITHDRAWN, "withdrawn")


@admin.action(description="Return selected records to draft", permissions=["publish"])
def unpublish(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
    _set_status(modeladmin, request, queryset, Status.DRAFT, "returned to draft")


def _set_status(modeladmin, request, queryset, status: str, verb: str) -> None:
    changing = list(queryset.exclude(status=status))
    changed_records = queryset.model._default_manager.filter(pk__in=[obj.pk for obj in changing])
    count = changed_records.update(status=status)
    modeladmin.record(request, changed_records, f"{verb.capitalize()} (bulk action).")
    if changing:  # nothing written: nothing for readers' caches or the index to follow
        changed(touched_by(changing))
    modeladmin.message_user(
        request,
        ngettext("%(n)d record %(verb)s.", "%(n)d records %(verb)s.", count)
        % {"n": count, "verb": verb},
        messages.SUCCESS,
    )


class PublishableAdmin(CasebaseAdmin):
    """Status is shown, filtered on and changed in bulk; saving never publishes by itself, and
    never over another editor's save."""

    actions = [publish, withdraw, unpublish]
    list_per_page = 50
    readonly_fields = ("created_at", "updated_at")

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return can_publish(request)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if can_publish(request) else (*fields, "status")


class CachedChoicesMixin(TextareaMixin):
    """Inline rows share one query per foreign key instead of one per row.

    Each inline form builds its own select; without this, a case study with 20 outcomes would
    query the indicators 20 times. The choices are computed once per request.
    """

    cached_choice_querysets: dict = {}
    # What each row's title (its __str__) follows, fetched with the rows.
    row_select_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.row_select_related)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        builder = self.cached_choice_querysets.get(db_field.name)
        if formfield is None or builder is None:
            return formfield
        cache = request.__dict__.setdefault("_admin_choice_cache", {})
        key = (type(self).__name__, db_field.name)
        if key not in cache:
            queryset = builder(self, request)
            formfield.queryset = queryset
            cache[key] = [("", "---------")] + [
                (obj.pk, self.choice_label(db_field.name, obj)) for obj in queryset
            ]
        formfield.choices = cache[key]
        # The admin wraps the select (to add "+" links); the inner select renders the options.
        getattr(formfield.widget, "widget", formfield.widget).choices = cache[key]
        return formfield

    def choice_label(self, field_name: str, obj) -> str:
        return str(obj)


def grades_with_scale(inline, request):
    return Grade.objects.select_related("scale").order_by("scale__name", "rank")


# --- Reference data -----------------------------------------------------------------------


@admin.register(Sector)
class SectorAdmin(CasebaseAdmin):
    list_display = ("name", "slug", "position", "case_study_count")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_case_studies=Count("organisation_types__organisations__case_studies"))
        )

    @admin.display(description="Case studies", ordering="_case_studies")
    def case_study_count(self, obj: Sector) -> int:
        return obj._case_studies


@admin.register(OrganisationType)
class OrganisationTypeAdmin(CasebaseAdmin):
    list_display = ("name", "sector", "organisation_count")
    list_filter = ("sector",)
    list_select_related = ("sector",)
    search_fields = ("name", "sector__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("sector",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_organisations=Count("organisations"))

    @admin.display(description="Organisations", ordering="_organisations")
    def organisation_count(self, obj: OrganisationType) -> int:
        return obj._organisations


@admin.register(Source)
class SourceAdmin(imports.SpreadsheetExportMixin, PublishableAdmin):
    list_display = ("title", "kind", "publisher", "year", "status")
    list_filter = ("status", "kind", "year")
    search_fields = ("title", "publisher", "url", "note")
    # Editors paste bare domains; assume https (Django 6's default) rather than http.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("based_on",)


class GradeInline(LiveCheckedInline, admin.TabularInline):
    model = Grade
    extra = 1
    fields = ("rank", "name")


@admin.register(GradeScale)
class GradeScaleAdmin(CasebaseAdmin):
    list_display = ("name", "grade_names")
    search_fields = ("name", "grades__name")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [GradeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("grades")

    @admin.display(description="Grades, lowest first")
    def grade_names(self, obj: GradeScale) -> str:
        return " < ".join(grade.name for grade in obj.grades.all())


@admin.register(Indicator)
class IndicatorAdmin(CasebaseAdmin):
    list_display = ("name", "area", "kind", "scale", "outcome_count")
    list_filter = ("area", "kind")
    list_select_related = ("scale",)
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("scale",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_outcomes=Count("outcomes"))

    @admin.display(description="Outcomes", ordering="_outcomes")
    def outcome_count(self, obj: Indicator) -> int:
        return obj._outcomes


# --- The practice taxonomy ----------------------------------------------------------------


@admin.register(PracticeTheme)
class PracticeThemeAdmin(PublishableAdmin):
    list_display = ("name", "position", "practice_count", "status")
    list_filter = ("status",)
    list_editable = ("position",)
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_practices=Count("practices"))

    @admin.display(description="Practices", ordering="_practices")
    def practice_count(self, obj: PracticeTheme) -> int:
        return obj._practices


@admin.register(Practice)
class PracticeAdmin(imports.SpreadsheetExportMixin, PublishableAdmin):
    list_display = ("name", "theme", "case_study_count", "status")
    list_filter = ("status", "theme", "case_studies__organisation__type__sector")
    list_select_related = ("theme",)
    search_fields = ("name", "synonyms", "definition", "theme__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("theme",)
    fields = (
        "name",
        "slug",
        "theme",
        "definition",
        "synonyms",
        "status",
        *PublishableAdmin.readonly_fields,
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_case_studies=Count("applications__case_study", distinct=True))
        )

    @admin.display(description="Case studies", ordering="_case_studies")
    def case_study_count(self, obj: Practice) -> int:
        return obj._case_studies


# --- Organisations and people -------------------------------------------------------------


class OrganisationFactInline(LiveCheckedInline, CachedChoicesMixin, admin.TabularInline):
    model = OrganisationFact
    extra = 0
    fields = ("kind", "qualifier", "value", "period", "source", "excerpt")
    cached_choice_querysets = {"source": lambda inline, request: Source.objects.all()}


class RoleInline(LiveCheckedInline, CachedChoicesMixin, admin.TabularInline):
    model = Role
    extra = 0
    fields = ("title", "organisation", "start_year", "end_year", "is_current", "source")
    row_select_related = ("person", "organisation")
    cached_choice_querysets = {
        "organisation": lambda inline, request: Organisation.objects.all(),
        "source": lambda inline, request: Source.objects.all(),
    }


class OrganisationRoleInline(RoleInline):
    fields = ("person", "title", "start_year", "end_year", "is_current", "source")
    cached_choice_querysets = {
        **RoleInline.cached_choice_querysets,
        "person": lambda inline, request: Person.objects.all(),
    }
    verbose_name_plural = "people's roles here"


@admin.register(Organisation)
class OrganisationAdmin(imports.SpreadsheetImportMixin, PublishableAdmin):
    resource_classes = [imports.OrganisationResource]
    list_display = ("name", "type", "sector", "region", "case_study_count", "status")
    list_filter = ("status", "type__sector", "type", "region")
    list_select_related = ("type__sector",)
    search_fields = ("name", "aliases", "area_served", "type__name", *IDENTIFIER_FIELDS)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("type",)
    inlines = [OrganisationFactInline, OrganisationRoleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_case_studies=Count("case_studies"))

    @admin.display(description="Sector", ordering="type__sector__position")
    def sector(self, obj: Organisation):
        return obj.type.sector or "—"

    @admin.display(description="Case studies", ordering="_case_studies")
    def case_study_count(self, obj: Organisation) -> int:
        return obj._case_studies


@admin.register(Person)
class PersonAdmin(imports.SpreadsheetImportMixin, PublishableAdmin):
    resource_classes = [imports.PersonResource]
    list_display = ("name", "honorific", "post_nominals", "current_roles", "status")
    list_filter = ("status", "roles__organisation__type__sector")
    search_fields = ("name", "aliases", "roles__title", "roles__organisation__name")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [RoleInline]

    def get_queryset(self, request):
        roles = Role.objects.select_related("organisation")
        return super().get_queryset(request).prefetch_related(Prefetch("roles", queryset=roles))

    @admin.display(description="Roles")
    def current_roles(self, obj: Person) -> str:
        return "; ".join(
            f"{role.title}, {role.organisation}" if role.organisation else role.title
            for role in obj.roles.all()
        )


@admin.register(Role)
class RoleAdmin(imports.SpreadsheetImportMixin, CasebaseAdmin):
    resource_classes = [imports.RoleResource]
    list_display = ("person", "title", "organisation", "start_year", "end_year", "is_current")
    list_filter = ("is_current", "organisation__type__sector")
    list_select_related = ("person", "organisation")
    search_fields = (
        "person__name",
        "person__aliases",
        "title",
        "title_aliases",
        "organisation__name",
    )
    autocomplete_fields = ("person", "organisation", "source")


# --- Case studies: one page for the whole story -------------------------------------------


class CaseStudyPersonInline(LiveCheckedInline, CachedChoicesMixin, admin.TabularInline):
    model = CaseStudyPerson
    extra = 0
    fields = ("person", "involvement", "position")
    row_select_related = ("person",)
    cached_choice_querysets = {"person": lambda inline, request: Person.objects.all()}


class CaseStudyPartInline(LiveCheckedInline, CachedChoicesMixin, admin.StackedInline):
    """Parts of one case study, with choices limited to that case study's own."""

    extra = 0
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 90})}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "status" and formfield is not None:
            formfield.help_text = ""  # said once on the case study, not on every row
        return formfield

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if can_publish(request) else (*fields, "status")

    def choice_label(self, field_name: str, obj) -> str:
        if isinstance(obj, Grade):
            return f"{obj.scale.name}: {obj.name}"
        if isinstance(obj, PracticeApplication):
            return obj.practice.name
        if isinstance(obj, Outcome):
            return f"{obj.indicator.name} ({obj.slug})"
        return str(obj)


def this_case_studys(model):
    def build(inline, request):
        study = getattr(request, "case_study_being_edited", None)  # set by CaseStudyAdmin
        queryset = model.objects.filter(case_study=study)
        related = "practice" if model is PracticeApplication else "indicator"
        return queryset.select_related(related)

    return build


class PracticeApplicationInline(CaseStudyPartInline, admin.StackedInline):
    model = PracticeApplication
    fields = (("practice", "status", "position"), "heading", "description")
    row_select_related = ("practice", "case_study__organisation")
    cached_choice_querysets = {
        "practice": lambda inline, request: Practice.objects.select_related("theme")
    }
    verbose_name = "practice applied"
    verbose_name_plural = "practices applied"


class OutcomeInline(CaseStudyPartInline):
    model = Outcome
    fields = (
        ("indicator", "label", "slug", "status", "position"),
        ("baseline_grade", "baseline_value", "baseline_year"),
        ("result_grade", "result_value", "result_year"),
        ("direction", "timeframe"),
        ("evidence", "design", "inferred"),
        "inference",
        "statement",
        "source",
    )
    row_select_related = ("indicator",)
    cached_choice_querysets = {
        "indicator": lambda inline, request: Indicator.objects.all(),
        "baseline_grade": grades_with_scale,
        "result_grade": grades_with_scale,
        "source": lambda inline, request: Source.objects.all(),
    }


class ContributionInline(CaseStudyPartInline, admin.TabularInline):
    model = Contribution
    fields = ("application", "outcome", "directness", "passage")
    row_select_related = ("application__practice", "outcome__indicator")
    cached_choice_querysets = {
        "application": this_case_studys(PracticeApplication),
        "outcome": this_case_studys(Outcome),
    }
    verbose_name = "practice credited for an outcome"
    verbose_name_plural = (
        "practices credited for outcomes (save new practices and outcomes first, then link them)"
    )


class QuoteInline(CaseStudyPartInline):
    model = Quote
    fields = (("speaker", "application", "status", "position"), "text", "source")
    row_select_related = ("speaker",)
    cached_choice_querysets = {
        "speaker": lambda inline, request: Person.objects.all(),
        "application": this_case_studys(PracticeApplication),
        "source": lambda inline, request: Source.objects.all(),
    }


class CorrectionInline(CaseStudyPartInline, admin.TabularInline):
    model = Correction
    fields = ("made_on", "note", "status")
    verbose_name = "published correction"
    verbose_name_plural = "corrections (shown to readers once published)"


@admin.register(CaseStudy)
class CaseStudyAdmin(imports.SpreadsheetExportMixin, PublishableAdmin):
    list_display = (
        "title",
        "sector",
        "practice_count",
        "outcome_count",
        "status",
        "updated_at",
    )
    list_filter = (
        "status",
        ("organisation__type__sector", admin.RelatedOnlyFieldListFilter),
        ("organisation__type", admin.RelatedOnlyFieldListFilter),
        "practices__theme",
    )
    list_select_related = ("organisation__type__sector",)
    search_fields = (
        "title",
        "summary",
        "context",
        "organisation__name",
        "organisation__aliases",
        "people__name",
        "people__aliases",
        "practices__name",
        "practices__synonyms",
        "named_in_story",
    )
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("organisation", "source")
    fieldsets = (
        (None, {"fields": ("title", "slug", "organisation", "status")}),
        (
            "Source",
            {"fields": ("source", "source_section", ("source_page_first", "source_page_last"))},
        ),
        ("Period", {"fields": (("period_start", "period_end"), "period_label")}),
        ("Story", {"fields": ("context", "summary", "named_in_story")}),
        ("History", {"fields": PublishableAdmin.readonly_fields, "classes": ("collapse",)}),
    )
    inlines = [
        CaseStudyPersonInline,
        PracticeApplicationInline,
        OutcomeInline,
        ContributionInline,
        QuoteInline,
        CorrectionInline,
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _practices=Count("applications", distinct=True),
                _outcomes=Count("outcomes", distinct=True),
            )
        )

    def get_object(self, request, object_id, from_field=None):
        """Remembers the case study for its inlines, whose selects offer only its own parts
        (on its change page and when restoring or recovering a version of it alike)."""
        study = super().get_object(request, object_id, from_field)
        request.case_study_being_edited = study
        return study

    def view_on_site(self, obj: CaseStudy) -> str:
        """A published case study's public page; anything else, its staff-only preview."""
        if obj.status == Status.PUBLISHED:
            return obj.get_absolute_url()
        return reverse("case-study-preview", args=[obj.slug])

    @admin.display(description="Sector", ordering="organisation__type__sector__position")
    def sector(self, obj: CaseStudy):
        return obj.organisation.type.sector

    @admin.display(description="Practices", ordering="_practices")
    def practice_count(self, obj: CaseStudy) -> int:
        return obj._practices

    @admin.display(description="Outcomes", ordering="_outcomes")
    def outcome_count(self, obj: CaseStudy) -> int:
        return obj._outcomes


@admin.register(PracticeApplication)
class PracticeApplicationAdmin(PublishableAdmin):
    list_display = ("practice", "case_study", "heading", "status")
    list_filter = (
        "status",
        "practice__theme",
        "practice",
        "case_study__organisation__type__sector",
    )
    list_select_related = ("practice", "case_study__organisation")
    search_fields = ("practice__name", "case_study__title", "heading", "description")
    autocomplete_fields = ("case_study", "practice")


@admin.register(Outcome)
class OutcomeAdmin(imports.SpreadsheetImportMixin, PublishableAdmin):
    resource_classes = [imports.OutcomeResource]
    list_display = (
        "__str__",
        "organisation",
        "baseline_display",
        "result_display",
        "direction",
        "evidence",
        "strength_display",
        "status",
    )
    list_filter = (
        "status",
        "direction",
        "evidence",
        "design",
        "inferred",
        "indicator__kind",
        "indicator",
    )
    list_select_related = (
        "indicator",
        "case_study__organisation",
        "baseline_grade",
        "result_grade",
    )
    ordering = ("case_study__organisation__name", "position")
    search_fields = (
        "statement",
        "indicator__name",
        "case_study__title",
        "case_study__organisation__name",
    )
    autocomplete_fields = ("case_study", "indicator", "source", "baseline_grade", "result_grade")

    @admin.display(description="Organisation", ordering="case_study__organisation__name")
    def organisation(self, obj: Outcome):
        return obj.case_study.organisation

    @admin.display(description="Strength of evidence", ordering="-strength")
    def strength_display(self, obj: Outcome) -> str:
        return obj.grade.strength.label

    @admin.display(description="Baseline")
    def baseline_display(self, obj: Outcome) -> str:
        return " ".join(filter(None, [obj.baseline, str(obj.baseline_year or "")])) or "—"

    @admin.display(description="Result")
    def result_display(self, obj: Outcome) -> str:
        return " ".join(filter(None, [obj.result, str(obj.result_year or "")])) or "—"


@admin.register(Grade)
class GradeAdmin(CasebaseAdmin):
    list_display = ("name", "scale", "rank")
    list_filter = ("scale",)
    list_select_related = ("scale",)
    search_fields = ("name", "scale__name")


@admin.register(Contribution)
class ContributionAdmin(CasebaseAdmin):
    list_display = ("practice", "outcome_indicator", "case_study", "directness")
    list_filter = ("directness", "application__practice__theme", "outcome__direction")
    list_select_related = ("application__practice", "outcome__indicator", "case_study")
    search_fields = ("passage", "application__practice__name", "case_study__title")
    autocomplete_fields = ("case_study", "application", "outcome")

    @admin.display(description="Practice", ordering="application__practice__name")
    def practice(self, obj: Contribution):
        return obj.application.practice

    @admin.display(description="Outcome", ordering="outcome__indicator__name")
    def outcome_indicator(self, obj: Contribution):
        return obj.outcome.indicator


@admin.register(Quote)
class QuoteAdmin(PublishableAdmin):
    list_display = ("short_text", "speaker", "case_study", "sector", "status")
    list_filter = ("status", "sector", "case_study__organisation__type__sector")
    list_select_related = ("speaker", "case_study", "sector")
    search_fields = ("text", "speaker__name", "speaker__aliases", "case_study__title")
    autocomplete_fields = ("speaker", "case_study", "sector", "application", "source")

    @admin.display(description="Quote")
    def short_text(self, obj: Quote) -> str:
        return obj.text if len(obj.text) <= 90 else obj.text[:89] + "…"


# --- Sector-level evidence ----------------------------------------------------------------


@admin.register(Finding)
class FindingAdmin(PublishableAdmin):
    list_display = (
        "statement",
        "value_display",
        "sector",
        "year",
        "is_headline",
        "source",
        "status",
    )
    list_filter = ("status", "sector", "is_headline", "source")
    list_select_related = ("sector", "source")
    search_fields = ("statement", "excerpt", "population", "source__title")
    prepopulated_fields = {"slug": ("statement",)}
    autocomplete_fields = ("sector", "source")

    @admin.display(description="Figure", ordering="value")
    def value_display(self, obj: Finding) -> str:
        if obj.value is None:
            return "—"
        return f"{obj.value.normalize():f} {obj.get_unit_display()}"


@admin.register(Recommendation)
class RecommendationAdmin(PublishableAdmin):
    list_display = ("title", "sector", "addressed_to", "source", "status")
    list_filter = ("status", "sector", "source")
    list_select_related = ("sector", "source")
    search_fields = ("title", "body", "addressed_to")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("sector", "source")


@admin.register(Testimonial)
class TestimonialAdmin(PublishableAdmin):
    list_display = ("person", "sector", "opening", "status")
    list_filter = ("status", "sector")
    list_select_related = ("person", "sector")
    search_fields = ("text", "person__name", "person__aliases")
    autocomplete_fields = ("person", "sector", "source")

    @admin.display(description="Opening words")
    def opening(self, obj: Testimonial) -> str:
        return obj.text[:80] + ("…" if len(obj.text) > 80 else "")
