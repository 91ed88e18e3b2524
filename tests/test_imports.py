"""Editors' spreadsheet imports (casebase/editing/imports.py): a preview first, then all or
nothing, everything as a draft with a revision; and exports of any main change list."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from reversion.models import Version

from casebase.content.models import (
    Organisation,
    OrganisationType,
    Outcome,
    Person,
    Role,
    SiteDocument,
    Status,
)
from casebase.editing import admin

HEADER = ["slug", "name", "type", "region", "area_served", "ods_code", "summary", "status"]


def organisation_rows(count: int = 10) -> list[list[str]]:
    """Ten trusts, each claiming to be published: imports make drafts whatever the file says."""
    return [
        [
            f"imported-trust-{n}",
            f"Imported Trust {n}",
            "county-council",
            "north-west",
            "Lancashire",
            f"ZQ{n:03d}",
            "A trust from a spreadsheet.",
            "published",
        ]
        for n in range(1, count + 1)
    ]


def csv_file(rows, header=HEADER, name="organisations.csv") -> SimpleUploadedFile:
    text = io.StringIO()
    csv.writer(text).writerows([header, *rows])
    return SimpleUploadedFile(name, text.getvalue().encode(), content_type="text/csv")


def xlsx_file(rows, header=HEADER, name="organisations.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    for row in [header, *rows]:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile(name, data.getvalue())


CSV, XLSX = "0", "1"  # the import form's format choices, in the admin's order


def preview(client, model: str, upload, fmt: str = CSV):
    url = reverse(f"admin:content_{model}_import")
    response = client.post(url, {"import_file": upload, "format": fmt, "resource": "0"})
    assert response.status_code == 200
    return response


def confirm(client, model: str, response):
    form = response.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(reverse(f"admin:content_{model}_process_import"), data)


def totals(response) -> dict[str, int]:
    result = response.context["result"]
    return {kind: count for kind, count in result.totals.items() if count}


def row_errors(response) -> list[tuple[int, str, str]]:
    """(row, column, message) for each invalid row's errors."""
    return [
        (row.number, column, message)
        for row in response.context["result"].invalid_rows
        for column, messages in row.error_dict.items()
        for message in messages
    ]


@pytest.mark.parametrize("fmt, upload", [(CSV, csv_file), (XLSX, xlsx_file)], ids=["csv", "xlsx"])
def test_an_editor_imports_ten_organisations_as_drafts_after_a_preview(
    editor_only, client, fmt, upload, monkeypatch
):
    calls = []
    monkeypatch.setattr(admin, "content_changed", lambda touched: calls.append(touched))
    response = preview(editor_only, "organisation", upload(organisation_rows()), fmt)
    assert totals(response) == {"new": 10}
    assert not Organisation.objects.filter(slug__startswith="imported-trust-").exists()

    response = confirm(editor_only, "organisation", response)
    assert response.status_code == 302

    imported = Organisation.objects.filter(slug__startswith="imported-trust-")
    assert imported.count() == 10
    assert set(imported.values_list("status", flat=True)) == {Status.DRAFT}
    for organisation in imported:
        versions = Version.objects.get_for_object(organisation)
        assert versions.count() == 1
        assert versions[0].revision.comment.startswith("Imported from organisations.")
        assert versions[0].revision.user.username == "editors"
    assert len(calls) == 1  # search and the catalogue follow, once, after the import
    organisation = SiteDocument.Kind.ORGANISATION
    assert {pk for kind, pk in calls[0].documents if kind == organisation} == {
        o.pk for o in imported
    }
    for page in (reverse("organisations"), reverse("search") + "?q=Imported+Trust"):
        assert "/organisations/imported-trust-" not in client.get(page).content.decode()


def test_the_import_page_says_which_columns_it_reads(editor_only):
    page = editor_only.get(reverse("admin:content_organisation_import")).content.decode()
    for column in ("slug", "type", "region", "ods_code", "gss_code", "ukprn"):
        assert column in page


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("type", "no-such-type", "No organisation type has the slug “no-such-type”."),
        ("region", "middle-earth", "Value 'middle-earth' is not a valid choice."),
        ("ods_code", "rr-8", "This is not a valid NHS ODS code"),
        ("slug", "imported-trust-2", "Row 2 of this file has this slug too."),
    ],
)
def test_one_bad_row_is_shown_by_row_and_column_and_nothing_is_imported(
    editor_only, column, value, message
):
    rows = organisation_rows()
    rows[6][HEADER.index(column)] = value
    response = preview(editor_only, "organisation", csv_file(rows))
    [(row, error_column, error)] = row_errors(response)
    assert (row, error_column) == (7, column)
    assert error.startswith(message)
    assert response.context.get("confirm_form") is None  # nothing to confirm
    assert message.split("“")[0] in response.content.decode().replace("&#x27;", "'")
    assert not Organisation.objects.filter(slug__startswith="imported-trust-").exists()


def test_an_identifier_another_organisation_has_is_a_row_error(editor_only, organisation):
    organisation.ods_code = "ZQ005"
    organisation.save()
    response = preview(editor_only, "organisation", csv_file(organisation_rows()))
    [(row, _column, error)] = row_errors(response)
    assert (row, error) == (5, "Another organisation already has this NHS ODS code.")


def test_importing_the_same_file_again_changes_nothing(editor_only):
    preview_response = preview(editor_only, "organisation", csv_file(organisation_rows()))
    confirm(editor_only, "organisation", preview_response)
    rows = organisation_rows()
    rows[0][HEADER.index("name")] = "Imported Trust One"
    response = preview(editor_only, "organisation", csv_file(rows))
    assert totals(response) == {"skip": 9, "update": 1}
    confirm(editor_only, "organisation", response)
    renamed = Organisation.objects.get(slug="imported-trust-1")
    assert renamed.name == "Imported Trust One"
    assert Version.objects.get_for_object(renamed).count() == 2
    assert (
        Version.objects.get_for_object(Organisation.objects.get(slug="imported-trust-2")).count()
        == 1
    )


def test_an_editor_cannot_change_a_published_organisation_by_import(editor_only, organisation):
    row = [organisation.slug, "Renamed", "county-council", "", "", "", "", "draft"]
    response = preview(editor_only, "organisation", csv_file([row]))
    [(row_number, column, error)] = row_errors(response)
    assert (row_number, column) == (1, "__all__")
    assert error.startswith("It is published: only a Publisher can")
    assert Organisation.objects.get(pk=organisation.pk).name == "Testshire County Council"


def test_a_publishers_import_changes_a_published_organisation_and_keeps_it_live(
    publisher, organisation
):
    row = [organisation.slug, "Renamed", "county-council", "", "", "", "", "draft"]
    response = preview(publisher, "organisation", csv_file([row]))
    assert totals(response) == {"update": 1}
    confirm(publisher, "organisation", response)
    organisation.refresh_from_db()
    assert (organisation.name, organisation.status) == ("Renamed", Status.PUBLISHED)


def test_people_then_their_roles_are_imported(editor_only, source):
    people = csv_file(
        [["jo-imported", "Jo Imported", "Dr", "published"]],
        header=["slug", "name", "honorific", "status"],
        name="people.csv",
    )
    confirm(editor_only, "person", preview(editor_only, "person", people))
    Organisation.objects.create(
        name="Draft Trust", slug="draft-trust", type=OrganisationType.objects.first()
    )
    roles = csv_file(
        [
            ["jo-imported", "Chief executive", "draft-trust", "2015", "2019", "", source.slug],
            ["Jo Imported", "Chair", "", "2020", "", "1", source.slug],
        ],
        header=[
            "person",
            "title",
            "organisation",
            "start_year",
            "end_year",
            "is_current",
            "source",
        ],
        name="roles.csv",
    )
    response = preview(editor_only, "role", roles)
    assert totals(response) == {"new": 2}
    confirm(editor_only, "role", response)
    person = Person.objects.get(slug="jo-imported")
    assert person.status == Status.DRAFT
    assert sorted(Role.objects.filter(person=person).values_list("title", "start_year")) == [
        ("Chair", 2020),
        ("Chief executive", 2015),
    ]


def test_a_role_at_a_published_organisation_is_refused_to_an_editor(
    editor_only, person, organisation, source
):
    roles = csv_file(
        [[person.slug, "Chair", organisation.slug, source.slug]],
        header=["person", "title", "organisation", "source"],
    )
    [(_row, _column, error)] = row_errors(preview(editor_only, "role", roles))
    assert "is published: only a Publisher can" in error


OUTCOME_HEADER = [
    "case_study",
    "slug",
    "indicator",
    "baseline_grade",
    "baseline_year",
    "result_grade",
    "result_year",
    "direction",
    "evidence",
    "design",
    "statement",
    "source",
]


def test_outcomes_are_imported_as_drafts(editor_only, case_study, source):
    case_study.status = Status.DRAFT
    case_study.save()
    row = [
        case_study.slug,
        "cqc-rating",
        "cqc-overall-rating",
        "Inadequate",
        "2014",
        "Good",
        "2016",
        "improved",
        "regulator",
        "before_after",
        "Rated good in 2016.",
        source.slug,
    ]
    response = preview(editor_only, "outcome", csv_file([row], header=OUTCOME_HEADER))
    assert totals(response) == {"new": 1}, row_errors(response)
    confirm(editor_only, "outcome", response)
    outcome = Outcome.objects.get(case_study=case_study, slug="cqc-rating")
    assert (outcome.baseline_grade.name, outcome.result_grade.name) == ("Inadequate", "Good")
    assert outcome.status == Status.DRAFT


def test_an_outcome_with_an_unknown_grade_is_a_row_error(editor_only, case_study, source):
    case_study.status = Status.DRAFT
    case_study.save()
    row = [case_study.slug, "x", "cqc-overall-rating", "Splendid", "2014", "", "", "improved"]
    row += ["regulator", "before_after", "Better.", source.slug]
    errors = row_errors(preview(editor_only, "outcome", csv_file([row], header=OUTCOME_HEADER)))
    assert (1, "baseline_grade", "The indicator's scale has no grade “Splendid”.") in errors


def test_only_editors_and_publishers_may_import(client, django_user_model):
    staff = django_user_model.objects.create_user("staff", password="a long password!")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(reverse("admin:content_organisation_import")).status_code == 403


def test_an_unreadable_file_is_a_form_error_not_a_crash(editor_only):
    upload = SimpleUploadedFile("organisations.xlsx", b"not a spreadsheet")
    response = preview(editor_only, "organisation", upload, XLSX)
    assert response.context["form"].errors


@pytest.mark.parametrize(
    "model", ["organisation", "person", "role", "casestudy", "outcome", "practice", "source"]
)
@pytest.mark.parametrize("fmt", [CSV, XLSX], ids=["csv", "xlsx"])
def test_a_change_list_exports_to_csv_and_xlsx(editor_only, model, fmt):
    url = reverse(f"admin:content_{model}_export")
    form = editor_only.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value()}
    response = editor_only.post(url, data | {"format": fmt, "resource": "0"})
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.endswith('.csv"' if fmt == CSV else '.xlsx"')
    if fmt == CSV:
        lines = response.content.decode().splitlines()
        assert len(lines) > 1
    else:
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        assert book.active.max_row > 1


def test_the_public_cannot_export(client):
    response = client.get(reverse("admin:content_organisation_export"))
    assert response.status_code == 302  # to the admin's sign-in


def test_a_file_without_the_slug_column_is_an_error_not_a_crash(editor_only):
    upload = csv_file([["Imported Trust", "county-council"]], header=["name", "type"])
    response = preview(editor_only, "organisation", upload)
    assert response.context["result"].has_errors()
    assert "slug" in response.content.decode()
    assert response.context.get("confirm_form") is None
