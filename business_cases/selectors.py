"""Every read of the business cases that a page, the API or an export makes, each in a
fixed number of queries however many options, criteria, cells or lines there are."""
from dataclasses import dataclass, field

from django.db import models

from business_cases.appraisal import (
    Line,
    OptionAppraisal,
    Scenario,
    SwitchingValue,
    appraise,
    scenarios,
    switching_value,
)
from business_cases.models import (
    CHARACTERISTIC_ORDER,
    STAGE_ORDER,
    AppraisalLine,
    BusinessCase,
    BusinessCaseVersion,
    Criterion,
    CriticalSuccessFactor,
    EqualityAssessment,
    EqualityImpact,
    EqualityMitigation,
    Impact,
    MatrixCell,
    MatrixSettings,
    Option,
    Outcome,
    Stage,
    StrategicObjective,
)
from business_cases.ranking import Ranking, rank_options
from programmes.models import Programme


def matrix_settings_for(*, programme: Programme) -> MatrixSettings:
    """The programme's scoring of levels and ratings, or the defaults (unsaved)."""
    return MatrixSettings.objects.filter(programme=programme).first() or MatrixSettings(programme=programme)


def objectives(*, programme: Programme) -> list[StrategicObjective]:
    return list(StrategicObjective.objects.filter(programme=programme).order_by("number"))


def csfs(*, programme: Programme) -> list[CriticalSuccessFactor]:
    return list(CriticalSuccessFactor.objects.filter(programme=programme).order_by("number"))


def options(*, programme: Programme) -> list[Option]:
    return list(Option.objects.filter(programme=programme).order_by("order", "code"))


def criteria(*, programme: Programme) -> list[Criterion]:
    return list(Criterion.objects.filter(programme=programme).select_related("objective", "csf")
                .order_by("order", "pk"))


def ranking(*, programme: Programme, option_list: list[Option] | None = None) -> Ranking:
    """The matrix and its ranking: four queries (settings, options, criteria, cells)."""
    settings = matrix_settings_for(programme=programme)
    option_list = options(programme=programme) if option_list is None else option_list
    cells = list(MatrixCell.objects.filter(programme=programme))
    return rank_options(options=option_list, criteria=criteria(programme=programme), cells=cells,
                        settings=settings)


def short_list(rank: Ranking) -> dict[str, str]:
    """Option code → outcome that stands, for the options on the short list."""
    return {r.option.code: r.outcome for r in rank.results if r.outcome and r.outcome != Outcome.DISCOUNTED}


@dataclass(eq=False)
class LineRow:
    """An appraisal line as the pages and the review gates read it: the stored figures
    without the model instance, which cost three quarters of the appraisal's time (a
    shortlist has hundreds of lines). Its URLs are set by the page that links to it."""

    pk: int
    option_id: int
    category: str
    year: int
    financial_year: object
    description: str
    amount: object
    final: bool
    optimism_bias_percent: object = None  # the line's own, or None for the option's
    confidence_percent: object = None
    edit_url: str = ""
    delete_url: str = ""

    FIELDS = ("pk", "option_id", "category", "year", "financial_year", "description", "amount", "final",
              "optimism_bias_percent", "confidence_percent")

    @property
    def is_cost(self) -> bool:
        return self.category in AppraisalLine.COSTS

    def get_category_display(self) -> str:
        return dict(AppraisalLine.Category.choices).get(self.category, self.category)


@dataclass
class AppraisalResults:
    """The economic appraisal of the short list, with the preferred option's switching value."""

    appraisals: list[OptionAppraisal]
    preferred: OptionAppraisal | None
    switching: SwitchingValue | None
    lines_by_option: dict[int, list[LineRow]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # shortlisted options with no lines
    # Option id → the characteristics its equality impact assessment finds a negative
    # impact on with no mitigation (unmitigated_by_option); None when not read.
    unmitigated: dict[int, list[str]] | None = None
    # The preferred option under each sensitivity (appraisal.SCENARIOS); empty without one.
    scenarios: list[Scenario] = field(default_factory=list)

    def unmitigated_for(self, option_id: int) -> list[str]:
        return (self.unmitigated or {}).get(option_id, [])

    def _equality(self, a: OptionAppraisal) -> dict:
        if self.unmitigated is None:
            return {}
        return {"unmitigated_equality_impacts": self.unmitigated_for(a.option_id)}

    def as_dict(self) -> dict:
        return {"options": [{**a.as_dict(), "preferred": a is self.preferred, **self._equality(a)}
                            for a in self.appraisals],
                "preferred": self.preferred.code if self.preferred else None,
                "switching_value": self.switching.as_dict() if self.switching else None,
                "scenarios": [sc.as_dict() for sc in self.scenarios],
                "not_appraised": self.missing}


def appraisal(*, programme: Programme, rank: Ranking | None = None, equality: bool = False) -> AppraisalResults:
    """Every shortlisted option's appraisal (the options, their outcomes and all lines: five
    queries with the ranking, or one more than `rank` already cost), and with `equality`
    the options' unmitigated negative equality impacts (one query more)."""
    rank = rank or ranking(programme=programme)
    lines: dict[int, list[LineRow]] = {}
    for values in (AppraisalLine.objects.filter(programme=programme).order_by("option_id", "year", "category", "pk")
                   .values_list(*LineRow.FIELDS)):
        line = LineRow(*values)
        lines.setdefault(line.option_id, []).append(line)
    results, preferred, missing = [], None, []
    for r in rank.results:
        option = r.option
        if r.outcome == Outcome.DISCOUNTED:
            continue
        a = appraise(lines=[Line(x.category, x.year, x.amount, x.description, x.optimism_bias_percent,
                                 x.confidence_percent) for x in lines.get(option.pk, [])],
                     optimism_bias_percent=option.optimism_bias_percent,
                     confidence_percent=option.benefits_confidence_percent,
                     option_id=option.pk, code=option.code, title=option.title)
        if not a.has_lines:
            missing.append(option.code)
        results.append(a)
        if r.outcome == Outcome.PREFERRED:
            preferred = a
    sv = switching_value(preferred, results) if preferred and preferred.has_lines else None
    unmitigated = unmitigated_by_option(programme=programme) if equality else None
    sensitivity = []
    if preferred is not None and preferred.has_lines:
        option = next(r.option for r in rank.results if r.option.pk == preferred.option_id)
        sensitivity = scenarios(lines=[Line(x.category, x.year, x.amount, x.description, x.optimism_bias_percent,
                                            x.confidence_percent) for x in lines.get(option.pk, [])],
                                optimism_bias_percent=option.optimism_bias_percent,
                                confidence_percent=option.benefits_confidence_percent)
    return AppraisalResults(results, preferred, sv, lines, missing, unmitigated, sensitivity)


@dataclass
class StageView:
    """A stage as the overview shows it: its case (None before the first version), versions
    newest first, whether it has been approved, and what is missing before review."""

    stage: str
    case: BusinessCase | None
    versions: list[BusinessCaseVersion]
    approved: BusinessCaseVersion | None
    missing: list[str]

    @property
    def label(self) -> str:
        return Stage(self.stage).label

    @property
    def short(self) -> str:
        return self.stage.upper()

    @property
    def current(self) -> BusinessCaseVersion | None:
        return self.versions[0] if self.versions else None


def stage_views(*, programme: Programme, rank: Ranking | None = None,
                results: AppraisalResults | None = None) -> list[StageView]:
    """The three stages with their versions (two queries) and, for each, what it still
    needs before it can go to review (from `rank` and `results`, worked out if not given)."""
    from business_cases.gates import missing_for

    rank = rank or ranking(programme=programme)
    results = results or appraisal(programme=programme, rank=rank)
    cases = {c.stage: c for c in BusinessCase.objects.filter(programme=programme)}
    versions: dict[int, list[BusinessCaseVersion]] = {}
    for v in (BusinessCaseVersion.objects.filter(programme=programme).select_related("decided_by")
              .order_by("business_case_id", "-number")):
        versions.setdefault(v.business_case_id, []).append(v)
    views = []
    n_objectives = StrategicObjective.objects.filter(programme=programme).count()
    n_csfs = CriticalSuccessFactor.objects.filter(programme=programme).count()
    for stage in STAGE_ORDER:
        case = cases.get(stage)
        vs = versions.get(case.pk, []) if case else []
        approved = next((v for v in vs if v.was_approved), None)
        current = vs[0] if vs else None
        missing = missing_for(stage=stage, version=current, rank=rank, results=results,
                              n_objectives=n_objectives, n_csfs=n_csfs)
        views.append(StageView(stage, case, vs, approved, missing))
    return views


def stage_is_approved(*, business_case: BusinessCase | None) -> bool:
    """Whether any version of the stage was approved (a later version does not undo it)."""
    return business_case is not None and business_case.versions.filter(was_approved=True).exists()


# --- Equality impact assessments -------------------------------------------------------------

@dataclass
class AssessmentView:
    """An equality impact assessment with its lines in the order the Act lists the
    characteristics (the council's own groups after them), each line's mitigations on it
    as `mitigation_list`, and what the pages and the paper say about them."""

    assessment: EqualityAssessment
    impacts: list[EqualityImpact]

    @property
    def protected(self) -> list[EqualityImpact]:
        return [i for i in self.impacts if i.is_protected]

    @property
    def council_groups(self) -> list[EqualityImpact]:
        return [i for i in self.impacts if not i.is_protected]

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        """(impact, its label, how many lines have it), for every kind of impact."""
        return [(value, label, sum(1 for i in self.impacts if i.impact == value)) for value, label in Impact.choices]

    @property
    def negative(self) -> list[EqualityImpact]:
        return [i for i in self.impacts if i.impact == Impact.NEGATIVE]

    @property
    def unmitigated(self) -> list[EqualityImpact]:
        """Negative impacts with no mitigation at all."""
        return [i for i in self.negative if not i.mitigation_list]

    def review_overdue(self, today) -> bool:
        return self.assessment.review_overdue(today)


def in_act_order(impacts) -> list[EqualityImpact]:
    """Lines in the order the Act lists the characteristics, the council's groups after."""
    return sorted(impacts, key=lambda i: (CHARACTERISTIC_ORDER[i.characteristic], i.other_name.lower(), i.pk))


def equality_views(*, programme: Programme, assessment: EqualityAssessment | None = None) -> list[AssessmentView]:
    """The programme's equality impact assessments (the programme's own first, then each
    option's in the options' order), or just `assessment`, each with its lines and their
    mitigations and owners: three queries however many there are."""
    if assessment is None:
        assessments = list(EqualityAssessment.objects.filter(programme=programme)
                           .select_related("option", "signed_off_by")
                           .order_by(models.F("option__order").asc(nulls_first=True), "option__code", "pk"))
    else:
        assessments = [assessment]
    ids = [a.pk for a in assessments]
    impacts: dict[int, list[EqualityImpact]] = {pk: [] for pk in ids}
    by_pk = {}
    for i in EqualityImpact.objects.filter(programme=programme, assessment_id__in=ids):
        i.mitigation_list = []
        impacts[i.assessment_id].append(i)
        by_pk[i.pk] = i
    for m in (EqualityMitigation.objects.filter(programme=programme, impact_id__in=list(by_pk))
              .select_related("owner").order_by("due_date", "pk")):
        by_pk[m.impact_id].mitigation_list.append(m)
    return [AssessmentView(a, in_act_order(impacts[a.pk])) for a in assessments]


def unmitigated_by_option(*, programme: Programme) -> dict[int, list[str]]:
    """Option id → the characteristics (in the Act's order) on which the option's equality
    impact assessment finds a negative impact with no mitigation; one query. Options
    without such an impact are left out."""
    found: dict[int, list[tuple]] = {}
    for option_id, characteristic, other_name, pk in (
            EqualityImpact.objects.filter(programme=programme, assessment__option__isnull=False,
                                          impact=Impact.NEGATIVE, mitigations__isnull=True)
            .values_list("assessment__option_id", "characteristic", "other_name", "pk")):
        found.setdefault(option_id, []).append((CHARACTERISTIC_ORDER[characteristic], other_name.lower(), pk,
                                                EqualityImpact(characteristic=characteristic,
                                                               other_name=other_name).label))
    return {option_id: [row[-1] for row in sorted(rows)] for option_id, rows in found.items()}
