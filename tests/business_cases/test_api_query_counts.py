"""The business case API's lists run a pinned number of queries, the same for 3 rows as for
30, each row with its related records filled in (a version's stage and decider, a
criterion's objective and CSF, a cell's option and criterion, a line's option, a paper's
business case and generated versions). Each count is: the session and the user (2), the
programme and the membership (2), then the count and the page (2), then what the list reads
besides. A programme has at most three stages, so the stages list is held to 1 and 3."""
from datetime import date, timedelta
from itertools import count

import pytest
from django.urls import reverse
from django.utils import timezone

from business_cases.models import (
    AppraisalLine,
    BusinessCase,
    BusinessCaseVersion,
    Criterion,
    CriticalSuccessFactor,
    EqualityAssessment,
    EqualityImpact,
    EqualityMitigation,
    MatrixCell,
    Option,
    Stage,
    StrategicObjective,
)
from core.roles import Role
from tests.api_matrix import api_client, list_queries
from tests.business_cases.test_permissions import make_paper, make_version
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

# + the papers' versions and who made them (two prefetches).
PINNED = {"business-case-versions": 6, "strategic-objectives": 6, "critical-success-factors": 6, "options": 6,
          "appraisal-criteria": 6, "matrix-cells": 6, "appraisal-lines": 6, "cabinet-papers": 8,
          # + the reports' versions and who made them (two prefetches).
          "highlight-reports": 8,
          # + the assessments' unmitigated impacts (one prefetch).
          "equality-assessments": 7, "equality-impacts": 6, "equality-mitigations": 6}
_serial = count(1)


def grow(segment: str, cast, n: int) -> None:
    p = cast.programme
    for _ in range(n):
        k = next(_serial)
        user = MembershipFactory(programme=p, role=Role.DIRECTOR).user
        if segment == "business-case-versions":
            case, _ = BusinessCase.objects.get_or_create(programme=p, stage=Stage.SOC)
            BusinessCaseVersion.objects.create(programme=p, business_case=case, number=k, decided_by=user,
                                               status=BusinessCaseVersion.Status.SUPERSEDED)
        elif segment == "strategic-objectives":
            StrategicObjective.objects.create(programme=p, number=k, text=f"Objective {k}")
        elif segment == "critical-success-factors":
            CriticalSuccessFactor.objects.create(programme=p, number=k, text=f"Factor {k}")
        elif segment == "options":
            Option.objects.create(programme=p, code=f"Op.{k}", title=f"Option {k}", order=k)
        elif segment == "appraisal-criteria":
            so = StrategicObjective.objects.create(programme=p, number=k, text=f"Objective {k}")
            csf = CriticalSuccessFactor.objects.create(programme=p, number=k, text=f"Factor {k}")
            Criterion.objects.create(programme=p, title=f"Criterion {k}", objective=so, csf=csf)
        elif segment == "matrix-cells":
            option = Option.objects.create(programme=p, code=f"Op.{k}", title=f"Option {k}", order=k)
            criterion = Criterion.objects.create(programme=p, title=f"Criterion {k}")
            MatrixCell.objects.create(programme=p, option=option, criterion=criterion, level="meets")
        elif segment == "appraisal-lines":
            option = Option.objects.create(programme=p, code=f"Op.{k}", title=f"Option {k}", order=k)
            AppraisalLine.objects.create(programme=p, option=option, category="capital", year=0,
                                         description="Kit", amount=100)
        elif segment == "cabinet-papers":
            case, _ = BusinessCase.objects.get_or_create(programme=p, stage=Stage.SOC)
            paper = make_paper(p, user, business_case=case,
                               meeting_date=timezone.localdate() + timedelta(days=60 + k))
            make_version(paper, user)
            make_version(paper, cast.users["pm"])
        elif segment == "highlight-reports":
            from django.contrib.contenttypes.models import ContentType

            from business_cases.models import HighlightReport, HighlightVersion
            from core.models import Job

            report = HighlightReport.objects.create(programme=p, period_start=date(2020, 1, 1) + timedelta(days=k),
                                                    period_end=date(2020, 1, 1) + timedelta(days=k))
            for number in (1, 2):
                job = Job.objects.create(kind="business_cases.highlight_report", created_by=user,
                                         status=Job.Status.SUCCEEDED, target_id=report.pk,
                                         target_type=ContentType.objects.get_for_model(report))
                HighlightVersion.objects.create(report=report, job=job, number=number, made_by=user,
                                                snapshot_at=timezone.now(), pdf="x.pdf", docx="x.docx")
        elif segment.startswith("equality-"):
            option = Option.objects.create(programme=p, code=f"Op.{k}", title=f"Option {k}", order=k)
            eia = EqualityAssessment.objects.create(programme=p, option=option, title=f"EIA {k}")
            age = EqualityImpact.objects.create(programme=p, assessment=eia, characteristic="age", impact="negative")
            EqualityImpact.objects.create(programme=p, assessment=eia, characteristic="sex", impact="negative")
            EqualityMitigation.objects.create(programme=p, impact=age, action="Act", owner=user, due_date="2027-01-31")
            if segment == "equality-impacts":  # one row each, as for the others
                age.delete()
        else:
            raise AssertionError(segment)


def _url(segment: str, cast) -> str:
    return reverse(f"business_cases_api:{segment}-list", kwargs={"programme_slug": cast.programme.slug})


@pytest.mark.parametrize("segment", sorted(PINNED))
def test_api_list_query_count_is_pinned(cast, segment, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = api_client(cast, "viewer")
    grow(segment, cast, 3)
    few, rows = list_queries(client, _url(segment, cast))
    assert rows == 3
    grow(segment, cast, 27)
    many, rows = list_queries(client, _url(segment, cast))
    assert rows == 30
    assert (few, many) == (PINNED[segment], PINNED[segment])


def test_stages_list_query_count_is_pinned(cast):
    client = api_client(cast, "viewer")
    BusinessCase.objects.create(programme=cast.programme, stage=Stage.SOC)
    one, rows = list_queries(client, _url("business-cases", cast))
    assert rows == 1
    for stage in (Stage.OBC, Stage.FBC):
        BusinessCase.objects.create(programme=cast.programme, stage=stage)
    three, rows = list_queries(client, _url("business-cases", cast))
    assert rows == 3
    assert (one, three) == (6, 6)
