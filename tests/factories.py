"""Factories for the test suite: one per model, building valid rows with few arguments."""
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from business_cases.models import (
    BusinessCase,
    Criterion,
    CriticalSuccessFactor,
    EqualityAssessment,
    EqualityImpact,
    Option,
    Stage,
    StrategicObjective,
)
from core.models import User
from core.roles import Role
from finance.models import BudgetVersion, FundingSource, Kpi
from programmes.models import (
    ConfidenceAssessment,
    Contract,
    CouncilAdministrator,
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
from risks.models import Risk
from workforce.models import PayScale, Team, TransferRoster


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
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    lead_organisation = factory.SubFactory(OrganisationFactory)
    transfer_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=120))

    @factory.post_generation
    def contract(self, create, extracted, **kwargs):
        """Today's usual shape: one contract with an outgoing provider, ending the day before
        the transfer, under which staff transfer. `contract=False` makes none."""
        if not create or extracted is False or self.transfer_date is None:
            return
        staff = self.kind in Programme.KINDS_WITH_STAFF_TRANSFER
        ContractFactory(programme=self, end_date=self.transfer_date - timedelta(days=1),
                        staff_transfer=staff, transfer_date=self.transfer_date if staff else None, **kwargs)


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    programme = factory.SubFactory(ProgrammeFactory, contract=False)
    title = factory.Sequence(lambda n: f"Contract {n}")
    counterparty = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.OUTGOING_PROVIDER,
                                      name=factory.Sequence(lambda n: f"Provider {n}"))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=119))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    programme = factory.SubFactory(ProgrammeFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.VIEWER


class CouncilAdministratorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilAdministrator

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)


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
    kind = "trade_union"
    group = "Unison"
    title = factory.Sequence(lambda n: f"Briefing {n}")


class ConfidenceAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConfidenceAssessment

    programme = factory.SubFactory(ProgrammeFactory)
    period_end = factory.Sequence(lambda n: date(2020, 1, 31) + timedelta(days=31 * n))
    rating = ConfidenceAssessment.Rating.AMBER


# Records of the other apps, one factory each: tests/test_scoping.py gives each programme a
# row of every model a form or serializer can choose, and looks the factory up by its model.

class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    service_line = "Adult social care"


class PayScaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PayScale

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"PS{n}")
    name = factory.Sequence(lambda n: f"Pay scale {n}")


class TransferRosterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TransferRoster

    programme = factory.SubFactory(ProgrammeFactory)
    version = factory.Sequence(lambda n: n + 1)
    as_at = factory.LazyFunction(timezone.localdate)
    received_on = factory.LazyFunction(timezone.localdate)


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Risk {n}")
    category = "workforce"
    likelihood = 3
    impact = 3
    residual_likelihood = 2
    residual_impact = 2


class FundingSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingSource

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Reserve {n}")


class BudgetVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetVersion

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Budget {n}")


class KpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kpi

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"KPI {n}")
    unit = "%"
    baseline = Decimal("50")
    target = Decimal("80")


class BusinessCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessCase

    programme = factory.SubFactory(ProgrammeFactory)
    stage = Stage.SOC


class StrategicObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicObjective

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Keep people safe through the transfer"


class CriticalSuccessFactorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CriticalSuccessFactor

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Affordable within the budget"


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Option

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"O{n}")
    title = factory.Sequence(lambda n: f"Option {n}")


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Criterion {n}")
    kind = Criterion.Kind.LEVELS


class EqualityAssessmentFactory(factory.django.DjangoModelFactory):
    """An option's assessment (a programme has only one of its own), without the lines the
    service starts one with."""

    class Meta:
        model = EqualityAssessment

    programme = factory.SubFactory(ProgrammeFactory)
    option = factory.SubFactory(OptionFactory, programme=factory.SelfAttribute("..programme"))
    title = factory.Sequence(lambda n: f"Equality impact assessment {n}")


class EqualityImpactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EqualityImpact

    programme = factory.SubFactory(ProgrammeFactory)
    assessment = factory.SubFactory(EqualityAssessmentFactory, programme=factory.SelfAttribute("..programme"))
    characteristic = "age"
    impact = "negative"
