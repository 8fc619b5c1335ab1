"""Factories for the test suite: one per model, building valid rows with few arguments."""
from datetime import date, timedelta

import factory
from django.utils import timezone

from core.models import User
from core.roles import Role
from programmes.models import (
    ConfidenceAssessment,
    Decision,
    EngagementEvent,
    Lesson,
    Membership,
    Milestone,
    Organisation,
    Programme,
    ServiceInScope,
    Workstream,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "correct-horse-battery")
        if create:
            self.save(update_fields=["password"])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Council {n}")
    kind = Organisation.Kind.COUNCIL


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    lead_organisation = factory.SubFactory(OrganisationFactory)
    contract_end_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=119))
    transfer_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=120))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    programme = factory.SubFactory(ProgrammeFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.VIEWER


class WorkstreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workstream

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Workstream {n}")
    kind = Workstream.Kind.OTHER


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    programme = factory.SubFactory(ProgrammeFactory)
    workstream = factory.LazyAttribute(lambda o: WorkstreamFactory(programme=o.programme))
    title = factory.Sequence(lambda n: f"Milestone {n}")
    baseline_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    forecast_date = factory.LazyAttribute(lambda o: o.baseline_date)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceInScope

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"SV{n:02d}")
    name = "A service"


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    programme = factory.SubFactory(ProgrammeFactory)
    body = "Cabinet"
    meeting_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))
    title = factory.Sequence(lambda n: f"Decision {n}")
    key_decision = True


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    kind = Lesson.Kind.WENT_WELL
    recorded_on = factory.LazyFunction(timezone.localdate)


class EngagementEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngagementEvent

    programme = factory.SubFactory(ProgrammeFactory)
    date = factory.LazyFunction(timezone.localdate)
    kind = EngagementEvent.Kind.TRADE_UNION
    group = "Unison"
    title = factory.Sequence(lambda n: f"Briefing {n}")


class ConfidenceAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConfidenceAssessment

    programme = factory.SubFactory(ProgrammeFactory)
    period_end = factory.Sequence(lambda n: date(2020, 1, 31) + timedelta(days=31 * n))
    rating = ConfidenceAssessment.Rating.AMBER
