"""The figures the workforce app offers other apps (core.figures), registered in
WorkforceConfig.ready: finance may carry the transfer's pension cost into the budget."""
from core.figures import FigureValue, OfferedFigure
from workforce import reporting, selectors

PENSION_COST = "workforce.pension_cost"


def pension_cost(programme) -> FigureValue:
    """The annual employer pension cost of every phase, as anyone outside HR sees it: no
    amount where the total would give a small group away, and what it leaves out."""
    rosters = selectors.pension_rosters(programme=programme)
    if not rosters:
        return FigureValue(None, "No roster has been loaded yet.")
    costs = reporting.pension_costs(rosters, selectors.pension_rates(programme=programme), personal=False)
    versions = ", ".join(str(r.version) for r in rosters)
    total = costs.total
    if total.hidden:
        return FigureValue(None, f"Fewer than {reporting.THRESHOLD} people are costed on roster version "
                                 f"{versions}, so the total is not shown outside HR.")
    if not total.costed:
        # Never £0 for a cost nobody could be given: say why instead.
        return FigureValue(None, f"Nobody on roster version {versions} could be costed", tuple(total.gaps))
    basis = (f"{total.costed} of {total.people} people on roster version{'s' if len(rosters) > 1 else ''} "
             f"{versions}, at the employer rates set on the pension costs page")
    return FigureValue(total.cost, basis, tuple(total.gaps))


FIGURES = (OfferedFigure(PENSION_COST, "Annual employer pension cost of the transfer", "£ a year", pension_cost,
                         requires="has_staff_transfer"),)
