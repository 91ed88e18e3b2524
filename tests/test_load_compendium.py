"""`manage.py load_compendium`: loads into an empty or existing database, idempotently."""

import io
import re
import shutil

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError

from casebase.content.models import (
    CaseStudy,
    ContentChange,
    ContentVersion,
    Finding,
    Practice,
    SearchDocument,
    SiteDocument,
    Status,
)
from casebase.loading.compendium import DATA_DIR, load_compendium

pytestmark = pytest.mark.django_db


def run_command(*args) -> str:
    out = io.StringIO()
    call_command("load_compendium", *args, stdout=out)
    return out.getvalue()


def empty_the_knowledge_base() -> None:
    """Delete every content row. Most foreign keys protect their targets, so sweep until the
    children are gone and their parents can follow."""
    content_models = list(apps.get_app_config("content").get_models())  # documents cascade
    for _ in content_models:
        for model in reversed(content_models):
            try:
                model.objects.all().delete()
            except ProtectedError:
                continue
    assert sum(row_counts().values()) == 0


def row_counts() -> dict[str, int]:
    """Rows of every loaded model (search documents are derived from them, not loaded; the
    content version is not content)."""
    return {
        model.__name__: model.objects.count()
        for model in apps.get_app_config("content").get_models()
        if model not in (SearchDocument, SiteDocument, ContentVersion, ContentChange)
    }


def test_it_loads_an_empty_database_and_says_what_it_created_in_one_line():
    empty_the_knowledge_base()
    assert CaseStudy.objects.count() == 0
    output = run_command()
    assert output.count("\n") == 1
    created = int(re.search(r"created (\d+)", output).group(1))
    assert created == sum(row_counts().values()) - 0  # every row was created by this run
    assert "updated 0" in output and "unchanged 0" in output
    assert "(11 case studies," in output
    assert CaseStudy.objects.published().count() == 11
    assert SearchDocument.objects.count() == 11, "the load makes every case study searchable"
    assert SiteDocument.objects.filter(kind="case-studies").count() == 11, "and every record"
    assert SiteDocument.objects.filter(kind="people").exists()


def test_running_it_twice_changes_nothing():
    before = row_counts()
    output = run_command()
    assert "created 0, updated 0," in output
    assert row_counts() == before


def test_it_puts_back_a_figure_changed_in_the_database():
    finding = Finding.objects.get(value=27, sector__slug="healthcare")
    Finding.objects.filter(pk=finding.pk).update(value=72)
    output = run_command()
    assert "created 0, updated 1," in output
    finding.refresh_from_db()
    assert finding.value == 27


def test_keep_edits_leaves_an_editors_change_alone_and_says_so():
    practice = Practice.objects.get(slug="visible-leadership")
    Practice.objects.filter(pk=practice.pk).update(definition="An editor's better definition.")
    output = run_command("--keep-edits")
    assert "created 0, updated 0," in output
    assert "kept 1 edited in the admin" in output
    practice.refresh_from_db()
    assert practice.definition == "An editor's better definition."


def test_keep_edits_still_creates_what_is_missing():
    CaseStudy.objects.filter(slug__contains="oakwood").delete()
    output = run_command("--keep-edits")
    assert CaseStudy.objects.filter(slug__contains="oakwood", status=Status.PUBLISHED).exists()
    assert not output.startswith("Compendium loaded from 4 files: created 0,")


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "compendium"
    shutil.copytree(DATA_DIR, target)
    return target


def test_a_bad_file_loads_nothing_and_names_the_record(data_copy):
    broken = data_copy / "zz-broken.yaml"
    broken.write_text(
        "findings:\n"
        "  - slug: a-brand-new-finding\n"
        "    statement: Fine so far.\n"
        "    excerpt: Fine.\n"
        "    source: the-management-mission\n"
        "  - slug: impossible\n"
        "    statement: Too many.\n"
        "    excerpt: Too many.\n"
        "    value: 140\n"
        "    unit: percent\n"
        "    source: the-management-mission\n"
    )
    before = row_counts()
    with pytest.raises(Exception, match=r"zz-broken.yaml: findings\[1\]: .*between 0 and 100"):
        load_compendium(directory=data_copy)
    assert row_counts() == before
    assert not Finding.objects.filter(slug="a-brand-new-finding").exists()


def test_a_misspelt_key_is_an_error_not_silently_ignored(data_copy):
    (data_copy / "zz-typo.yaml").write_text(
        "sectors:\n  - slug: healthcare\n    name: Healthcare\n    positon: 1\n"
    )
    with pytest.raises(Exception, match=r"zz-typo.yaml: sectors\[0\]: unknown key\(s\) positon"):
        load_compendium(directory=data_copy)


def test_an_unknown_slug_is_reported_with_where_it_was_used(data_copy):
    (data_copy / "zz-slug.yaml").write_text(
        "practices:\n"
        "  - slug: new-practice\n    name: New practice\n    theme: no-such-theme\n"
        "    definition: x\n"
    )
    with pytest.raises(Exception, match=r"zz-slug.yaml: practices\[0\]: unknown practice theme"):
        load_compendium(directory=data_copy)


def test_the_command_turns_a_data_error_into_a_clear_message(data_copy, monkeypatch):
    (data_copy / "zz-bad.yaml").write_text("sectors: [\n")
    monkeypatch.setattr("casebase.loading.compendium.DATA_DIR", data_copy)
    monkeypatch.setattr(
        "casebase.loading.management.commands.load_compendium.load_compendium",
        lambda **kw: load_compendium(directory=data_copy, **kw),
    )
    with pytest.raises(CommandError, match=r"Nothing was loaded. zz-bad.yaml: not valid YAML"):
        run_command()
