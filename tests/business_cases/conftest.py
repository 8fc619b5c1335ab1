"""Business-case records for the cast's programme, saved through the services so that each
has its history."""
from decimal import Decimal

import pytest

from business_cases.models import (
    AppraisalLine,
    Criterion,
    CriticalSuccessFactor,
    MatrixCell,
    Option,
    StrategicObjective,
)
from programmes.services import record_save


def save(instance, user=None):
    return record_save(instance=instance, user=user, reason="Test")


def make_option(programme, code, user=None, **kw):
    return save(Option(programme=programme, code=code, title=kw.pop("title", f"Option {code}"),
                       order=kw.pop("order", 0), **kw), user)


def make_criterion(programme, title, kind=Criterion.Kind.LEVELS, user=None, **kw):
    return save(Criterion(programme=programme, title=title, kind=kind, **kw), user)


def set_cell(option, criterion, user=None, **values):
    return save(MatrixCell(programme=option.programme, option=option, criterion=criterion, **values), user)


def add_line(option, category, year, amount, user=None, **kw):
    return save(AppraisalLine(programme=option.programme, option=option, category=category, year=year,
                              amount=None if amount is None else Decimal(amount),
                              description=kw.pop("description", f"{category} {year}"), **kw), user)


@pytest.fixture
def soc_ready(cast):
    """A programme with what a SOC needs: SO1, CSF1, two options of which one is preferred."""
    p, pm = cast.programme, cast.users["pm"]
    save(StrategicObjective(programme=p, number=1, text="Transfer safely"), pm)
    save(CriticalSuccessFactor(programme=p, number=1, text="Value for money"), pm)
    a = make_option(p, "Op.1", pm, order=1)
    b = make_option(p, "Op.2", pm, order=2)
    c = make_criterion(p, "Fit", user=pm)
    set_cell(a, c, pm, level="partial")
    set_cell(b, c, pm, level="meets")
    return cast


@pytest.fixture
def media(settings, tmp_path):
    """Files the tests make (paper versions, job results) go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def write_cases(version, user=None):
    """Write each of the five cases of the Five Case Model in `version` (a stage goes to
    review only with all five written) and return it."""
    from business_cases.models import SECTIONS
    from business_cases.services import version_save

    for field, heading in SECTIONS:
        if not getattr(version, field).strip():
            setattr(version, field, f"The {heading.lower()}, as written for review.")
    return version_save(version=version, user=user, reason="Cases written")
