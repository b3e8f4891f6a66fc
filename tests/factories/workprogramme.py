"""Factories for work programmes, improvement plans, inspections, reviews and lead member
reports."""

from __future__ import annotations

import datetime as dt

import factory

from tests.factories import CommitteeFactory, MunicipalYearFactory
from workprogramme.models import (
    Deliverable,
    ImprovementAction,
    ImprovementPlan,
    Inspection,
    InspectionRecommendation,
    LeadMemberReport,
    PlanPriority,
    ReviewRecommendation,
    ScrutinyReview,
    WorkProgramme,
    WorkProgrammeItem,
)


class WorkProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkProgramme

    committee = factory.SubFactory(CommitteeFactory)
    year = factory.SubFactory(MunicipalYearFactory)


class WorkProgrammeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkProgrammeItem

    programme = factory.SubFactory(WorkProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    issue = factory.Sequence(lambda n: f"Work programme issue {n}")
    put_forward_by = "OSMC"
    approach = "The Panel will receive regular updates."
    outcomes = "The Panel is assured."


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    title = factory.Sequence(lambda n: f"Ofsted inspection {n}")
    slug = factory.Sequence(lambda n: f"inspection-{n}")
    code_prefix = "O"


class InspectionRecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionRecommendation

    inspection = factory.SubFactory(InspectionFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Inspection recommendation {n}")


class ImprovementPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImprovementPlan

    title = factory.Sequence(lambda n: f"Improvement plan {n}")
    slug = factory.Sequence(lambda n: f"plan-{n}")
    period_start = dt.date(2017, 9, 1)
    period_end = dt.date(2019, 3, 31)
    inspection = factory.SubFactory(InspectionFactory)


class PlanPriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanPriority

    plan = factory.SubFactory(ImprovementPlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Priority {n}")
    rationale = "Because it matters."
    aims = "Aim one\nAim two"


class ImprovementActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImprovementAction

    priority = factory.SubFactory(PlanPriorityFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Improvement action {n}")
    owner_text = "Service Director"
    due_date = dt.date(2030, 3, 31)


class DeliverableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deliverable

    priority = factory.SubFactory(PlanPriorityFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Deliverable {n}")
    due_date = dt.date(2018, 3, 31)


class ScrutinyReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScrutinyReview

    title = factory.Sequence(lambda n: f"Scrutiny review {n}")
    slug = factory.Sequence(lambda n: f"review-{n}")
    panel = factory.SubFactory(CommitteeFactory)
    report_date = dt.date(2016, 11, 30)


class ReviewRecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewRecommendation

    review = factory.SubFactory(ScrutinyReviewFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"That the council does thing {n}.")


class LeadMemberReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadMemberReport

    committee = factory.SubFactory(CommitteeFactory)
    lead_member_name = "Cllr Andrew Cooper"
    period_start = dt.date(2023, 7, 1)
    period_end = dt.date(2023, 8, 31)
