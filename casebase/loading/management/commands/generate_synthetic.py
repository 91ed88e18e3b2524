import argparse
import time

from django.core.management.base import BaseCommand, CommandError

from casebase.content.models import (
    CaseStudy,
    CaseStudyPerson,
    Contribution,
    Organisation,
    OrganisationFact,
    Outcome,
    Person,
    PracticeApplication,
    Quote,
    SearchDocument,
)
from casebase.loading import planner
from casebase.loading.synthetic import SyntheticError, generate_synthetic

PARTS = {
    Organisation: "organisations",
    OrganisationFact: "sizes of organisations",
    Person: "people",
    CaseStudyPerson: "participants",
    PracticeApplication: "practice applications",
    Outcome: "outcomes",
    Contribution: "contributions",
    Quote: "quotes",
    SearchDocument: "search documents",
}


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, not {value!r}")
    return number


class Command(BaseCommand):
    help = (
        "For benchmarks only: add synthetic published case studies (slugs starting "
        "'synthetic-'), each with its organisation, leader, practices, outcomes, quotes and "
        "search document. Needs load_compendium first; a second run adds more."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--case-studies", type=positive_int, required=True, help="How many to add."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="The same seed builds the same case studies."
        )

    def handle(self, *args, case_studies: int, seed: int, **options):
        started = time.perf_counter()
        try:
            first, created = generate_synthetic(case_studies=case_studies, seed=seed)
        except SyntheticError as error:
            raise CommandError(str(error)) from error
        planner.refresh_statistics()
        seconds = time.perf_counter() - started
        parts = ", ".join(f"{created[model]:,} {label}" for model, label in PARTS.items())
        self.stdout.write(
            f"Created {created[CaseStudy]:,} synthetic case studies, numbered {first:,} to "
            f"{first + case_studies - 1:,}, with {parts}, in {seconds:.1f} s."
        )
