"""What each stage needs before it can go to review, worked out from the live records.

- SOC: strategic objectives, critical success factors, a long list (two options or more) and a
  short list with a preferred way forward.
- OBC: a preferred option, and an economic appraisal (monetised lines) of every option on the
  short list.
- FBC: final costs (the preferred option's cost lines, every one marked final).
And at every stage, each of the five cases of the Five Case Model written in the version.
"""
from business_cases.models import SECTIONS, Outcome, Stage


def missing_for(*, stage: str, version, rank, results, n_objectives: int, n_csfs: int) -> list[str]:
    """The things `stage` lacks, in words a reader can act on (empty when it is ready)."""
    missing: list[str] = []
    outcomes = [r.outcome for r in rank.results]
    short = [r for r in rank.results if r.outcome and r.outcome != Outcome.DISCOUNTED]
    preferred = outcomes.count(Outcome.PREFERRED)
    if stage == Stage.SOC:
        if not n_objectives:
            missing.append("Strategic objectives: add at least one (SO1).")
        if not n_csfs:
            missing.append("Critical success factors: add at least one (CSF1).")
        if len(rank.results) < 2:
            missing.append("A long list: add at least two options.")
        if not short:
            missing.append("A short list: at least one option must not be discounted.")
        if preferred != 1:
            missing.append("A preferred way forward: exactly one option on the short list must be preferred.")
    elif stage == Stage.OBC:
        if preferred != 1:
            missing.append("A preferred option: exactly one option on the short list must be preferred.")
        if not short:
            missing.append("A short list to appraise.")
        for code in results.missing:
            missing.append(f"An economic appraisal of {code}: add its cost and benefit lines.")
    elif stage == Stage.FBC:
        pref = results.preferred
        if pref is None:
            missing.append("A preferred option with an economic appraisal.")
        else:
            cost_lines = [x for x in results.lines_by_option.get(pref.option_id, []) if x.is_cost]
            if not cost_lines:
                missing.append(f"Final costs: {pref.code} has no cost lines.")
            elif not all(x.final for x in cost_lines):
                n = sum(1 for x in cost_lines if not x.final)
                missing.append(f"Final costs: {n} of {pref.code}'s cost lines {'are' if n > 1 else 'is'} "
                               "still an estimate; mark each final when it is confirmed.")
    for field, heading in SECTIONS:
        if version is None or not (getattr(version, field) or "").strip():
            missing.append(f"The {heading.lower()}: write it in this version.")
    return missing
