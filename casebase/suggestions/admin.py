"""Readers' suggestions in the admin: oldest first, by status, with the reader's words read-only.
Editors and Publishers may view and change them (migration 0002); only the status is theirs to
change, and the contact details to erase."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import ngettext

from casebase.suggestions.models import Suggestion
from casebase.suggestions.services import contact_details_erase, story_accept

READERS_WORDS = (
    "reference", "kind", "created_at", "case_study", "organisation_name", "organisation_type",
    "text", "proposed", "contact_name", "contact_email", "contact_erased_at", "open_record",
)  # fmt: skip


def mark(status: Suggestion.Status):
    def action(modeladmin, request: HttpRequest, queryset: QuerySet[Suggestion]):
        count = queryset.update(status=status)
        modeladmin.message_user(
            request, ngettext("%d suggestion marked %s.", "%d suggestions marked %s.", count)
            % (count, status.label.lower())
        )  # fmt: skip

    action.__name__ = f"mark_{status.value}"
    action.short_description = f"Mark as {status.label.lower()}"
    action.allowed_permissions = ("change",)
    return action


@admin.action(description="Erase contact details (keeps the suggestion)", permissions=["change"])
def erase_contact_details(modeladmin, request: HttpRequest, queryset: QuerySet[Suggestion]):
    count = contact_details_erase(suggestions=queryset)
    modeladmin.message_user(
        request,
        ngettext("Erased the contact details of %d suggestion.",
                 "Erased the contact details of %d suggestions.", count) % count,
        messages.SUCCESS,
    )  # fmt: skip


@admin.action(description="Accept a story: make a draft case study of it", permissions=["change"])
def accept_story(modeladmin, request: HttpRequest, queryset: QuerySet[Suggestion]):
    for suggestion in queryset:
        try:
            study = story_accept(suggestion=suggestion)
        except ValueError as error:
            modeladmin.message_user(request, str(error), messages.ERROR)
            continue
        url = reverse("admin:content_casestudy_change", args=[study.pk])
        modeladmin.message_user(
            request,
            format_html(
                '{}: draft case study <a href="{}">{}</a> made.', suggestion.reference, url, study
            ),
            messages.SUCCESS,
        )


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ("reference", "kind", "status", "created_at", "age", "about", "has_contact")
    list_filter = ("status", "kind", "created_at")
    list_select_related = ("case_study", "organisation_type")
    search_fields = ("reference", "organisation_name", "case_study__title")
    ordering = ("created_at",)  # oldest first: the longest waiting
    date_hierarchy = "created_at"
    fields = ("status", *READERS_WORDS)
    readonly_fields = READERS_WORDS
    actions = [
        mark(Suggestion.Status.IN_REVIEW),
        mark(Suggestion.Status.ACCEPTED),
        mark(Suggestion.Status.DECLINED),
        erase_contact_details,
        accept_story,
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # suggestions come from readers only

    @admin.display(description="waiting")
    def age(self, obj: Suggestion) -> str:
        return timesince(obj.created_at).split(",")[0]

    @admin.display(description="about")
    def about(self, obj: Suggestion) -> str:
        return obj.case_study.title if obj.case_study else obj.organisation_name

    @admin.display(description="contact", boolean=True)
    def has_contact(self, obj: Suggestion) -> bool:
        return bool(obj.contact_name or obj.contact_email)

    @admin.display(description="the record")
    def open_record(self, obj: Suggestion) -> str:
        if obj.case_study_id is None:
            return "–"
        return format_html(
            '<a href="{}">Open “{}” to correct it</a> · <a href="{}">its public page</a>',
            reverse("admin:content_casestudy_change", args=[obj.case_study_id]),
            obj.case_study,
            obj.case_study.get_absolute_url(),
        )
