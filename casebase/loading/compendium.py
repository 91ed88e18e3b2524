"""Load the compendium data files (data/compendium/*.yaml) into the database.

Every record is matched on its natural key (a slug, or its parent plus a slug), created if
missing, updated only if a field differs, and validated with full_clean() before it is saved.
The whole load is one transaction: a bad file changes nothing.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import reversion
import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q

from casebase.content.changes import content_changed
from casebase.content.models import (
    IDENTIFIER_FIELDS,
    CaseStudy,
    CaseStudyPerson,
    Contribution,
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
from casebase.content.passages import passage_context, quotation_context
from casebase.content.services import public_dates_update

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "compendium"
FIRST_FILE = "reference.yaml"

# Sections in the order they load: each refers only to sections above it.
SECTIONS = (
    "sectors",
    "organisation_types",
    "grade_scales",
    "indicators",
    "sources",
    "practice_themes",
    "practices",
    "organisations",
    "people",
    "case_studies",
    "findings",
    "recommendations",
    "testimonials",
    "quotes",
)


class CompendiumError(Exception):
    """A data file is wrong: the message says which file, which record and what."""


@dataclass
class Item:
    """One mapping from a data file, with where it came from for error messages."""

    data: dict[str, Any]
    where: str

    def take(self, *required: str, optional: tuple[str, ...] = ()) -> dict[str, Any]:
        unknown = set(self.data) - set(required) - set(optional)
        if unknown:
            raise CompendiumError(f"{self.where}: unknown key(s) {', '.join(sorted(unknown))}")
        missing = [key for key in required if self.data.get(key) in (None, "")]
        if missing:
            raise CompendiumError(f"{self.where}: missing {', '.join(missing)}")
        return self.data

    def children(self, key: str) -> list["Item"]:
        return [
            Item(child, f"{self.where}.{key}[{index}]")
            for index, child in enumerate(self.data.get(key) or [])
        ]


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    removed: int = 0
    by_model: Counter = field(default_factory=Counter)

    def summary(self, files: int, keep_edits: bool) -> str:
        kept = f", kept {self.kept} edited in the admin" if keep_edits else ""
        kept += f", removed {self.removed} no longer in the data" if self.removed else ""
        return (
            f"Compendium loaded from {files} file{'s' * (files != 1)}: created {self.created}, "
            f"updated {self.updated}, unchanged {self.unchanged}{kept} "
            f"({self.by_model['CaseStudy']} case studies, {self.by_model['Person']} people, "
            f"{self.by_model['Outcome']} outcomes)."
        )


def read_files(directory: Path = DATA_DIR) -> tuple[dict[str, list[Item]], int]:
    """Every file's sections, concatenated in load order (reference.yaml first)."""
    paths = sorted(directory.glob("*.yaml"), key=lambda path: (path.name != FIRST_FILE, path.name))
    if not paths:
        raise CompendiumError(f"No data files in {directory}")
    sections: dict[str, list[Item]] = {name: [] for name in SECTIONS}
    for path in paths:
        try:
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            raise CompendiumError(f"{path.name}: not valid YAML: {error}") from error
        unknown = set(content) - set(SECTIONS)
        if unknown:
            raise CompendiumError(f"{path.name}: unknown section(s) {', '.join(sorted(unknown))}")
        for name, items in content.items():
            sections[name] += [
                Item(item, f"{path.name}: {name}[{index}]") for index, item in enumerate(items)
            ]
    return sections, len(paths)


def load_compendium(*, directory: Path = DATA_DIR, keep_edits: bool = False) -> str:
    """Load every data file in one transaction and return a one-line summary."""
    sections, files = read_files(directory)
    loader = Loader(keep_edits=keep_edits)
    # Whatever the load creates or changes is one revision in the records' histories.
    with transaction.atomic(), reversion.create_revision():
        reversion.set_comment("Loaded from the compendium's data files.")
        for name in SECTIONS:
            for item in sections[name]:
                getattr(loader, f"load_{name}")(item)
            if name == "sources":
                loader.link_sources()  # a source may be based on one listed after it
        content_changed()  # search, the catalogue and the pages follow
        # Public dates move only where what readers see changed; case studies never compared
        # yet (older than public dates) have what they show recorded.
        public_dates_update(
            case_study_ids=CaseStudy.objects.filter(
                Q(pk__in=loader.case_study_ids()) | Q(public_fingerprint__isnull=True)
            ).values_list("pk", flat=True)
        )
    return loader.tally.summary(files, keep_edits)


class Loader:
    def __init__(self, *, keep_edits: bool) -> None:
        self.keep_edits = keep_edits
        self.tally = Tally()
        self._cache: dict[tuple[type, str], models.Model] = {}
        self._based_on: list[tuple[Source, list[str], str]] = []
        self._created: set[tuple[type, int]] = set()
        self._positions: Counter = Counter()

    # -- the generic parts ------------------------------------------------------------------

    def upsert(self, model: type[models.Model], where: str, lookup: dict, values: dict):
        """Create or update one record; count what happened."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            self._save(obj, where)
            self._count(model, "created")
            self._created.add((model, obj.pk))
            return obj
        changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
        if not changed:
            self._count(model, "unchanged")
        elif self.keep_edits:
            self._count(model, "kept")
        else:
            for name, value in changed.items():
                setattr(obj, name, value)
            self._save(obj, where)
            self._count(model, "updated")
        return obj

    def _save(self, obj: models.Model, where: str) -> None:
        try:
            obj.full_clean()
        except ValidationError as error:
            raise CompendiumError(f"{where}: {_describe(error)}") from error
        obj.save()

    def _count(self, model: type[models.Model], outcome: str) -> None:
        setattr(self.tally, outcome, getattr(self.tally, outcome) + 1)
        self.tally.by_model[model.__name__] += 1

    def get(self, model: type[models.Model], slug: str, where: str):
        key = (model, slug)
        if key not in self._cache:
            obj = model.objects.filter(slug=slug).first()
            if obj is None:
                label = model._meta.verbose_name
                raise CompendiumError(f"{where}: unknown {label} {slug!r}")
            self._cache[key] = obj
        return self._cache[key]

    def case_study_ids(self) -> list[int]:
        return [obj.pk for (model, _), obj in self._cache.items() if model is CaseStudy]

    def remember(self, obj: models.Model):
        self._cache[(type(obj), obj.slug)] = obj
        return obj

    def set_many(self, obj: models.Model, name: str, targets: list[models.Model]) -> None:
        """Set a many-to-many field; a change to an existing record counts as an update."""
        manager = getattr(obj, name)
        if set(manager.all()) == set(targets):
            return
        if self.keep_edits and (type(obj), obj.pk) not in self._created:
            self.tally.kept += 1
            return
        manager.set(targets)
        if (type(obj), obj.pk) not in self._created:
            self.tally.updated += 1

    # -- reference data ---------------------------------------------------------------------

    def load_sectors(self, item: Item) -> None:
        data = item.take("slug", "name", optional=("description", "position"))
        self.remember(
            self.upsert(
                Sector,
                item.where,
                {"slug": data["slug"]},
                {
                    "name": data["name"],
                    "description": data.get("description", ""),
                    "position": data.get("position", 0),
                },
            )
        )

    def load_organisation_types(self, item: Item) -> None:
        data = item.take("slug", "name", optional=("sector",))
        sector = self.get(Sector, data["sector"], item.where) if data.get("sector") else None
        self.remember(
            self.upsert(
                OrganisationType,
                item.where,
                {"slug": data["slug"]},
                {"name": data["name"], "sector": sector},
            )
        )

    def load_grade_scales(self, item: Item) -> None:
        data = item.take("slug", "name", "grades")
        scale = self.remember(
            self.upsert(GradeScale, item.where, {"slug": data["slug"]}, {"name": data["name"]})
        )
        for rank, name in enumerate(data["grades"], start=1):
            self.upsert(Grade, item.where, {"scale": scale, "name": name}, {"rank": rank})

    def load_indicators(self, item: Item) -> None:
        data = item.take("slug", "name", "kind", "area", optional=("scale", "description"))
        scale = self.get(GradeScale, data["scale"], item.where) if data.get("scale") else None
        self.remember(
            self.upsert(
                Indicator,
                item.where,
                {"slug": data["slug"]},
                {
                    "name": data["name"],
                    "kind": data["kind"],
                    "area": data["area"],
                    "scale": scale,
                    "description": data.get("description", ""),
                },
            )
        )

    def load_sources(self, item: Item) -> None:
        data = item.take(
            "slug",
            "title",
            "kind",
            optional=("publisher", "publisher_url", "year", "url", "note", "based_on"),
        )
        source = self.remember(
            self.upsert(
                Source,
                item.where,
                {"slug": data["slug"]},
                {
                    "title": data["title"],
                    "kind": data["kind"],
                    "publisher": data.get("publisher", ""),
                    "publisher_url": data.get("publisher_url", ""),
                    "year": data.get("year"),
                    "url": data.get("url", ""),
                    "note": data.get("note", ""),
                    "status": Status.PUBLISHED,
                },
            )
        )
        self._based_on.append((source, data.get("based_on", []), item.where))

    def link_sources(self) -> None:
        for source, slugs, where in self._based_on:
            self.set_many(source, "based_on", [self.get(Source, slug, where) for slug in slugs])

    def load_practice_themes(self, item: Item) -> None:
        data = item.take("slug", "name", optional=("description", "position"))
        self.remember(
            self.upsert(
                PracticeTheme,
                item.where,
                {"slug": data["slug"]},
                {
                    "name": data["name"],
                    "description": data.get("description", ""),
                    "position": data.get("position", 0),
                    "status": Status.PUBLISHED,
                },
            )
        )

    def load_practices(self, item: Item) -> None:
        data = item.take("slug", "name", "theme", "definition", optional=("synonyms",))
        self.remember(
            self.upsert(
                Practice,
                item.where,
                {"slug": data["slug"]},
                {
                    "name": data["name"],
                    "theme": self.get(PracticeTheme, data["theme"], item.where),
                    "definition": _text(data["definition"]),
                    "synonyms": "\n".join(data.get("synonyms", [])),
                    "status": Status.PUBLISHED,
                },
            )
        )

    # -- organisations and people -----------------------------------------------------------

    def load_organisations(self, item: Item) -> None:
        data = item.take(
            "slug",
            "name",
            "type",
            optional=("aliases", "region", "area_served", "summary", "facts", *IDENTIFIER_FIELDS),
        )
        organisation = self.remember(
            self.upsert(
                Organisation,
                item.where,
                {"slug": data["slug"]},
                {
                    "name": data["name"],
                    "aliases": "\n".join(data.get("aliases", [])),
                    "type": self.get(OrganisationType, data["type"], item.where),
                    "region": data.get("region", ""),  # full_clean checks it is a standard one
                    "area_served": data.get("area_served", ""),
                    **{field: data.get(field, "") for field in IDENTIFIER_FIELDS},
                    "summary": _text(data.get("summary", "")),
                    "status": Status.PUBLISHED,
                },
            )
        )
        for fact in item.children("facts"):
            self.load_fact(organisation, fact)

    def load_fact(self, organisation: Organisation, item: Item) -> None:
        data = item.take("kind", "value", "source", optional=("qualifier", "period", "excerpt"))
        self.upsert(
            OrganisationFact,
            item.where,
            {"organisation": organisation, "kind": data["kind"], "period": data.get("period", "")},
            {
                "value": _number(data["value"], item.where),
                "qualifier": data.get("qualifier", OrganisationFact.Qualifier.EXACT),
                "source": self.get(Source, data["source"], item.where),
                "excerpt": _text(data.get("excerpt", "")),
            },
        )

    def load_people(self, item: Item) -> None:
        data = item.take(
            "slug",
            "name",
            optional=("honorific", "post_nominals", "aliases", "summary", "roles"),
        )
        person = self.remember(
            self.upsert(
                Person,
                item.where,
                {"slug": data["slug"]},
                {
                    "name": data["name"],
                    "honorific": data.get("honorific", ""),
                    "post_nominals": data.get("post_nominals", ""),
                    "aliases": "\n".join(data.get("aliases", [])),
                    "summary": _text(data.get("summary", "")),
                    "status": Status.PUBLISHED,
                },
            )
        )
        for role in item.children("roles"):
            self.load_role(person, role)

    def load_role(self, person: Person, item: Item) -> None:
        data = item.take(
            "title",
            "source",
            optional=("organisation", "title_aliases", "start_year", "end_year", "current"),
        )
        organisation = (
            self.get(Organisation, data["organisation"], item.where)
            if data.get("organisation")
            else None
        )
        self.upsert(
            Role,
            item.where,
            {"person": person, "organisation": organisation, "title": data["title"]},
            {
                "title_aliases": "\n".join(data.get("title_aliases", [])),
                "start_year": data.get("start_year"),
                "end_year": data.get("end_year"),
                "is_current": bool(data.get("current", False)),
                "source": self.get(Source, data["source"], item.where),
            },
        )

    # -- case studies -----------------------------------------------------------------------

    def load_case_studies(self, item: Item) -> None:
        data = item.take(
            "slug",
            "title",
            "organisation",
            "source",
            "context",
            "summary",
            optional=(
                "source_section",
                "source_page_first",
                "source_page_last",
                "period_start",
                "period_end",
                "period_label",
                "named_in_story",
                "people",
                "applications",
                "outcomes",
                "quotes",
            ),
        )
        values = self.case_study_values(data, item.where)
        case_study = self.remember(
            self.upsert(CaseStudy, item.where, {"slug": data["slug"]}, values)
        )
        self.load_case_study_parts(case_study, item)

    def case_study_values(self, data: dict, where: str) -> dict:
        return {
            "title": data["title"],
            "organisation": self.get(Organisation, data["organisation"], where),
            "source": self.get(Source, data["source"], where),
            "source_section": data.get("source_section", ""),
            "source_page_first": data.get("source_page_first"),
            "source_page_last": data.get("source_page_last"),
            "period_start": data.get("period_start"),
            "period_end": data.get("period_end"),
            "period_label": str(data.get("period_label", "")),
            "context": _text(data["context"]),
            "summary": _text(data["summary"]),
            "named_in_story": "\n".join(data.get("named_in_story", [])),
            "status": Status.PUBLISHED,
        }

    def load_case_study_parts(self, case_study: CaseStudy, item: Item) -> None:
        """Its people, practices, results (with their credits) and quotations."""
        for position, child in enumerate(item.children("people")):
            self.load_participant(case_study, child, position)
        applications = {
            child.data.get("practice"): self.load_application(case_study, child, position)
            for position, child in enumerate(item.children("applications"))
        }
        for position, child in enumerate(item.children("outcomes")):
            self.load_outcome(case_study, applications, child, position)
        for position, child in enumerate(item.children("quotes")):
            self.load_quote(child, position, case_study=case_study, applications=applications)

    def load_participant(self, case_study: CaseStudy, item: Item, position: int) -> None:
        data = item.take("person", "involvement")
        self.upsert(
            CaseStudyPerson,
            item.where,
            {"case_study": case_study, "person": self.get(Person, data["person"], item.where)},
            {"involvement": data["involvement"], "position": position},
        )

    def load_application(self, case_study: CaseStudy, item: Item, position: int):
        data = item.take("practice", "description", optional=("heading",))
        return self.upsert(
            PracticeApplication,
            item.where,
            {
                "case_study": case_study,
                "practice": self.get(Practice, data["practice"], item.where),
            },
            {
                "heading": data.get("heading", ""),
                "description": _text(data["description"]),
                "position": position,
                "status": Status.PUBLISHED,
            },
        )

    def load_outcome(self, case_study: CaseStudy, applications: dict, item: Item, position: int):
        data = item.take(
            "slug",
            "indicator",
            "direction",
            "evidence",
            "statement",
            optional=(
                "label",
                "design",
                "inference",
                "baseline",
                "baseline_year",
                "result",
                "result_year",
                "timeframe",
                "source",
                "credited_to",
            ),
        )
        values = self.outcome_values(case_study, data, item.where) | {"position": position}
        outcome = self.upsert(
            Outcome, item.where, {"case_study": case_study, "slug": data["slug"]}, values
        )
        credits = [
            self.load_contribution(outcome, applications, credit)
            for credit in item.children("credited_to")
        ]
        self.drop_credits_not_in_data(outcome, credits)

    def outcome_values(self, case_study: CaseStudy, data: dict, where: str) -> dict:
        indicator = self.get(Indicator, data["indicator"], where)
        source = self.get(Source, data["source"], where) if data.get("source") else None
        values = {
            "indicator": indicator,
            "baseline_year": data.get("baseline_year"),
            "result_year": data.get("result_year"),
            "timeframe": data.get("timeframe", ""),
            "label": data.get("label", ""),
            "direction": data["direction"],
            "evidence": data["evidence"],
            # Unless the data says it was compared, a result is what its direction implies.
            "design": data.get("design")
            or (
                Outcome.Design.SNAPSHOT
                if data["direction"] == "snapshot"
                else Outcome.Design.BEFORE_AFTER
            ),
            "inferred": bool(data.get("inference")),
            "inference": _text(data.get("inference", "")),
            "statement": _text(data["statement"]),
            "passage_context": passage_context(_text(data["statement"]), case_study.source.slug),
            "source": source or case_study.source,
            "status": Status.PUBLISHED,
        }
        for end in ("baseline", "result"):
            grade, value = self._measure(indicator, data.get(end), where)
            values[f"{end}_grade"], values[f"{end}_value"] = grade, value
        return values

    def _measure(self, indicator: Indicator, raw: Any, where: str):
        """A baseline or result: a grade on the indicator's scale, or a number."""
        if raw is None:
            return None, None
        if indicator.kind == Indicator.Kind.ORDINAL:
            grade = Grade.objects.filter(scale=indicator.scale, name=str(raw)).first()
            if grade is None:
                names = ", ".join(indicator.scale.grades.values_list("name", flat=True))
                raise CompendiumError(f"{where}: {raw!r} is not a grade of {indicator}: {names}")
            return grade, None
        if not indicator.is_numeric:
            raise CompendiumError(f"{where}: {indicator} is described in words, not measured")
        return None, _number(raw, where)

    def load_contribution(self, outcome, applications: dict, item: Item) -> Contribution:
        data = item.take("practice", "directness", "passage")
        application = applications.get(data["practice"])
        if application is None:
            raise CompendiumError(
                f"{item.where}: {data['practice']!r} is not among this case study's applications"
            )
        return self.upsert(
            Contribution,
            item.where,
            {"case_study": outcome.case_study, "application": application, "outcome": outcome},
            {
                "directness": data["directness"],
                "passage": _text(data["passage"]),
                "passage_context": passage_context(
                    _text(data["passage"]), outcome.case_study.source.slug
                ),
            },
        )

    def drop_credits_not_in_data(self, outcome, credits: list[Contribution]) -> None:
        """A credit taken out of the data after review is taken out of the database too, or a
        credit the source does not support would outlive its correction."""
        if self.keep_edits:
            return
        stale = outcome.contributions.exclude(pk__in=[credit.pk for credit in credits])
        self.tally.removed += stale.delete()[0]

    def load_quote(
        self,
        item: Item,
        position: int = 0,
        *,
        case_study: CaseStudy | None = None,
        applications: dict | None = None,
    ) -> None:
        data = item.take("speaker", "text", optional=("practice", "sector", "source"))
        application = None
        if data.get("practice"):
            application = (applications or {}).get(data["practice"])
            if application is None:
                raise CompendiumError(
                    f"{item.where}: {data['practice']!r} is not among this case study's "
                    "applications"
                )
        source_slug = data.get("source")
        if source_slug is None and case_study is None:
            raise CompendiumError(f"{item.where}: missing source")
        source_slug = source_slug or case_study.source.slug
        self.upsert(
            Quote,
            item.where,
            {"case_study": case_study, "text": _text(data["text"])},
            {
                "speaker": self.get(Person, data["speaker"], item.where),
                "sector": self.get(Sector, data["sector"], item.where)
                if data.get("sector")
                else None,
                "application": application,
                "source": self.get(Source, source_slug, item.where),
                "passage_context": quotation_context(_text(data["text"]), source_slug),
                "position": position,
                "status": Status.PUBLISHED,
            },
        )

    # -- sector-level evidence --------------------------------------------------------------

    def load_findings(self, item: Item) -> None:
        data = item.take(
            "slug",
            "statement",
            "excerpt",
            "source",
            optional=("sector", "value", "unit", "population", "year", "headline"),
        )
        self.upsert(
            Finding,
            item.where,
            {"slug": data["slug"]},
            {
                "sector": self.get(Sector, data["sector"], item.where)
                if data.get("sector")
                else None,
                "statement": _text(data["statement"]),
                "value": _number(data["value"], item.where) if "value" in data else None,
                "unit": data.get("unit", ""),
                "population": data.get("population", ""),
                "year": data.get("year"),
                "is_headline": bool(data.get("headline", False)),
                "excerpt": _text(data["excerpt"]),
                "source": self.get(Source, data["source"], item.where),
                "position": self._next_position("findings"),
                "status": Status.PUBLISHED,
            },
        )

    def load_recommendations(self, item: Item) -> None:
        data = item.take("slug", "sector", "title", "body", "addressed_to", "source")
        self.upsert(
            Recommendation,
            item.where,
            {"slug": data["slug"]},
            {
                "sector": self.get(Sector, data["sector"], item.where),
                "title": data["title"],
                "body": _text(data["body"]),
                "addressed_to": data["addressed_to"],
                "source": self.get(Source, data["source"], item.where),
                "position": self._next_position("recommendations"),
                "status": Status.PUBLISHED,
            },
        )

    def load_testimonials(self, item: Item) -> None:
        data = item.take("person", "sector", "text", "source")
        self.upsert(
            Testimonial,
            item.where,
            {
                "person": self.get(Person, data["person"], item.where),
                "sector": self.get(Sector, data["sector"], item.where),
                "source": self.get(Source, data["source"], item.where),
            },
            {
                "text": _text(data["text"]),
                "position": self._next_position("testimonials"),
                "status": Status.PUBLISHED,
            },
        )

    def load_quotes(self, item: Item) -> None:
        self.load_quote(item, self._next_position("quotes"))

    def _next_position(self, section: str) -> int:
        """Sector-level records keep the order the files give them."""
        self._positions[section] += 1
        return self._positions[section]


def _text(value: Any) -> str:
    return str(value).strip()


def _number(value: Any, where: str) -> Decimal:
    try:
        return Decimal(str(value))
    except ArithmeticError as error:
        raise CompendiumError(f"{where}: {value!r} is not a number") from error


def _describe(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
