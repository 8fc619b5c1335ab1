"""The transfer's annual employer pension cost: from the roster's pay and each scheme's
employer rate set on the programme, by scheme and team, aggregates for everyone (small
groups suppressed as the team summary does) and each person's line for HR only. A person
with no pay, or in a scheme with no rate, is counted as such and never costed at £0."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.api_matrix import api_client
from tests.factories import ContractFactory
from tests.workforce.conftest import load_roster, staff
from workforce import reporting, selectors
from workforce.models import EmployeeRecord, PensionRate, PensionScheme, TransferRoster
from workforce.reporting import SUPPRESSED, employer_cost, pension_costs

pytestmark = pytest.mark.django_db

LGPS = "Local Government Pension Scheme"


def _rates(programme, **rates):
    for scheme, (rate, fund) in rates.items():
        PensionRate.objects.create(programme=programme, scheme=scheme, employer_rate=Decimal(rate), fund=fund)


@pytest.fixture
def loaded(hr_programme):
    """Six NHS scheme members in First Response at £30,000, five LGPS members in LD
    Connections at £24,000 and two in LD Connections not in a scheme."""
    cast = hr_programme
    rows = [*staff(6), *staff(5, team="LD Connections", start=20, **{"Pension scheme": LGPS, "Annual pay": "24000"}),
            *staff(2, team="LD Connections", start=40, **{"Pension scheme": "Not in a scheme"})]
    assert load_roster(cast.programme, cast.users["hr"], rows).ok
    return cast


def _costs(cast, personal):
    p = cast.programme
    return pension_costs(selectors.pension_rosters(programme=p), selectors.pension_rates(programme=p),
                         personal=personal)


def test_employer_cost_is_pay_at_the_rate_to_the_penny():
    assert employer_cost(Decimal("30000"), Decimal("23.7")) == Decimal("7110.00")
    assert employer_cost(Decimal("12345.67"), Decimal("14.38")) == Decimal("1775.31")  # 1775.307… half up
    assert employer_cost(Decimal("0.05"), Decimal("10")) == Decimal("0.01")  # 0.005 rounds up, not to even


def test_cost_by_scheme_and_team_with_no_rate_counted_not_costed(loaded):
    cast = loaded
    _rates(cast.programme, nhs=("23.70", ""))
    costs = _costs(cast, personal=True)
    (phase,) = costs.phases
    by_scheme = {r.scheme: r.cell for r in phase.schemes}
    assert by_scheme["nhs"].cost == Decimal("7110.00") * 6 and by_scheme["nhs"].costed == 6
    lgps = by_scheme["lgps"]
    assert (lgps.people, lgps.costed, lgps.no_rate, lgps.cost) == (5, 0, 5, Decimal("0"))
    assert lgps.shown_cost == "no rate"  # never "£0.00"
    assert by_scheme["none"].shown_cost == "not in a scheme"
    assert costs.unrated == [LGPS]
    teams = {r.team: r.cell for r in phase.teams}
    assert teams["LD Connections"].people == 7 and teams["LD Connections"].no_rate == 5
    assert phase.total.shown_cost == "£42,660.00" and phase.total.gaps == [
        "5 people in a scheme with no employer rate set"]


def test_a_person_with_no_pay_is_counted_as_no_pay(loaded):
    cast = loaded
    _rates(cast.programme, nhs=("20", ""), lgps=("18.5", "Avon Pension Fund"))
    EmployeeRecord.objects.filter(employee_ref="E0001").update(annual_pay=None)
    costs = _costs(cast, personal=True)
    (phase,) = costs.phases
    nhs = next(r.cell for r in phase.schemes if r.scheme == "nhs")
    assert (nhs.people, nhs.costed, nhs.no_pay, nhs.cost) == (6, 5, 1, Decimal("30000.00"))
    line = next(x for x in phase.people if x.employee_ref == "E0001")
    assert (line.cost, line.why_none) == (None, "no pay")
    lgps = next(r for r in phase.schemes if r.scheme == "lgps")
    assert lgps.fund == "Avon Pension Fund" and lgps.cell.cost == Decimal("4440.00") * 5
    assert phase.total.cost == Decimal("30000.00") + Decimal("22200.00")


def test_outside_hr_small_groups_and_what_gives_them_away_are_hidden(loaded):
    cast = loaded
    _rates(cast.programme, nhs=("20", ""), lgps=("18.5", "Avon Pension Fund"))
    costs = _costs(cast, personal=False)
    (phase,) = costs.phases
    by_scheme = {r.scheme: r.cell for r in phase.schemes}
    # Two not in a scheme are a small group; the smallest other (5 LGPS) goes too, or the
    # total less NHS would give them back.
    assert by_scheme["none"].hidden and by_scheme["lgps"].hidden and not by_scheme["nhs"].hidden
    assert by_scheme["lgps"].shown_cost == reporting.NOT_SHOWN and by_scheme["none"].shown_people == SUPPRESSED
    assert phase.people == []
    # The teams follow the team summary's suppression (both teams are 6 and 7: shown).
    assert [r.cell.hidden for r in phase.teams] == [False, False]
    EmployeeRecord.objects.filter(employee_ref="E0001").update(annual_pay=None)
    first = next(r.cell for r in _costs(cast, personal=False).phases[0].teams if r.team == "First Response")
    assert first.shown_no_pay == SUPPRESSED and not first.hidden  # one person with no pay is a small count


def test_a_phased_transfer_is_costed_per_contract(hr_programme):
    cast = hr_programme
    first = cast.programme.contracts.get()
    later = ContractFactory(programme=cast.programme, title="Complex needs agreement",
                            end_date=first.end_date + timedelta(days=182), staff_transfer=True,
                            transfer_date=timezone.localdate() + timedelta(days=200))
    hr = cast.users["hr"]
    assert load_roster(cast.programme, hr, staff(6), name="a.xlsx").ok
    assert load_roster(cast.programme, hr, staff(7, start=30), name="b.xlsx").ok
    assert load_roster(cast.programme, hr, staff(8, start=60), name="c.xlsx").ok
    TransferRoster.objects.filter(version=2).update(contract=first)
    TransferRoster.objects.filter(version=3).update(contract=later)
    _rates(cast.programme, nhs=("10", ""))
    costs = _costs(cast, personal=False)
    assert [(p.roster.version, p.total.people) for p in costs.phases] == [(2, 7), (3, 8)]
    assert costs.total.cost == Decimal("3000.00") * 15
    # A newer list for every transfer replaces the phases.
    assert load_roster(cast.programme, hr, staff(9, start=90), name="d.xlsx").ok
    assert [p.roster.version for p in _costs(cast, personal=False).phases] == [4]


def test_rates_are_set_on_the_record_pages_with_history(loaded):
    cast = loaded
    slug = cast.programme.slug
    hr = cast.client("hr")
    url = reverse("workforce:pension_rates_create", args=[slug])
    response = hr.post(url, {"scheme": "lgps", "fund": "", "employer_rate": "19"})
    assert response.status_code == 200 and "Enter the LGPS fund" in response.content.decode()
    response = hr.post(url, {"scheme": "lgps", "fund": "Avon Pension Fund", "employer_rate": "101"})
    assert "Enter a rate from 0 to 100 per cent" in response.content.decode()
    assert hr.post(url, {"scheme": "lgps", "fund": "Avon Pension Fund", "employer_rate": "19"}).status_code == 302
    rate = PensionRate.objects.get()
    assert "already has a rate" in hr.post(url, {"scheme": "lgps", "fund": "X", "employer_rate": "1"}).content.decode()
    entry = rate.history.latest()
    assert entry.history_user == cast.users["hr"] and entry.history_change_reason == "Pension rate added"
    page = cast.client("viewer").get(reverse("workforce:pensions", args=[slug])).content.decode()
    assert "Avon Pension Fund" in page and "19%" in page and "£22,800.00" in page  # 5 × 24,000 × 19%
    assert "no rate" in page and "National Health" not in page


def test_the_api_sets_rates_one_a_scheme(loaded):
    cast = loaded
    hr = api_client(cast, "hr")
    rates = reverse("workforce_api:pension-rates-list", args=[cast.programme.slug])
    made = hr.post(rates, {"scheme": "nhs", "employer_rate": "20.6"}, format="json")
    assert made.status_code == 201, made.content
    clash = hr.post(rates, {"scheme": "nhs", "employer_rate": "21"}, format="json")
    assert clash.status_code == 400 and clash.json()["scheme"] == [PensionRate.SCHEME_TAKEN]
    # The rate itself may change its own scheme's rate.
    one = reverse("workforce_api:pension-rates-detail", args=[cast.programme.slug, made.json()["id"]])
    changed = hr.patch(one, {"scheme": "nhs", "employer_rate": "21"}, format="json")
    assert changed.status_code == 200 and changed.json()["employer_rate"] == "21"
    assert PensionRate.objects.get().employer_rate == Decimal("21")


def test_the_api_gives_the_same_figures_and_people_only_to_hr(loaded):
    cast = loaded
    _rates(cast.programme, nhs=("20", ""))
    url = reverse("workforce_api:pensions", args=[cast.programme.slug])
    data = cast.client("finance").get(url).json()
    (phase,) = data["phases"]
    nhs = next(s for s in phase["schemes"] if s["scheme"] == "nhs")
    assert nhs["annual_employer_cost"] == "36000" and nhs["employer_rate"] == "20"
    lgps = next(s for s in phase["schemes"] if s["scheme"] == "lgps")
    assert lgps["annual_employer_cost"] is None and lgps["suppressed"] is True
    assert "people" not in phase and data["unrated_schemes"] == [LGPS]
    hr = cast.client("hr").get(url).json()
    people = hr["phases"][0]["people"]
    assert len(people) == 13 and {p["no_cost_because"] for p in people} == {None, "no rate", "not in a scheme"}
    assert next(s for s in hr["phases"][0]["schemes"] if s["scheme"] == "lgps")["no_rate"] == 5


def test_pension_scheme_choice_of_not_in_a_scheme_takes_no_rate():
    assert PensionScheme.NONE not in dict(PensionRate._meta.get_field("scheme").choices)


def test_the_workforce_export_carries_the_pension_costs_as_shown(loaded):
    import io

    import openpyxl

    cast = loaded
    _rates(cast.programme, nhs=("20", ""))
    content = cast.client("viewer").get(reverse("workforce:export", args=[cast.programme.slug])).content
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Pension costs"]
    rows = {(r[1], r[2]): r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[("Scheme", "NHS Pension Scheme")][3:5] == (6, "£36,000.00")
    assert rows[("Scheme", LGPS)][4] == reporting.NOT_SHOWN  # hidden with the small group beside it
    assert rows[("Total", "Total")][3] == 13
