"""Search over every programme a person belongs to (core.search holds the index).

Programmes declares its own kinds here — milestones, activities, decisions, lessons and
engagement events — and the apps built on it declare theirs in their AppConfig.ready, the
same way. `search_for` is the one way a page searches: only the programmes the person may
see (programmes.access), and in each only the documents their role may be shown.
"""
from django.db.models import QuerySet
from django.urls import reverse

from core.roles import roles_with
from core.search import Found, SearchText, search, search_capabilities, search_kind, searchable, visible_q
from programmes.access import programmes_for_user
from programmes.models import Decision, EngagementEvent, Lesson, Membership, Milestone, Programme


def _lines(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def milestone_text(m: Milestone) -> list[SearchText]:
    return [SearchText(kind=m.kind, title=m.title, body=m.notes,
                       url=reverse("programmes:milestone_detail", args=[m.programme.slug, m.pk]))]


def decision_text(d: Decision) -> list[SearchText]:
    return [SearchText(kind="decision", title=d.title,
                       body=_lines(d.body, d.forward_plan_ref, d.decision, d.delegations, d.wards),
                       url=reverse("programmes:decisions_list", args=[d.programme.slug]) + f"#decisions-{d.pk}")]


def lesson_text(lesson: Lesson) -> list[SearchText]:
    return [SearchText(kind="lesson", title=lesson.title, body=_lines(lesson.detail, lesson.action),
                       url=reverse("programmes:lessons_list", args=[lesson.programme.slug]) + f"#lessons-{lesson.pk}")]


def engagement_text(e: EngagementEvent) -> list[SearchText]:
    return [SearchText(kind="engagement", title=e.title, body=_lines(e.group, e.notes),
                       url=reverse("programmes:engagement_list", args=[e.programme.slug]) + f"#engagement-{e.pk}")]


def search_declare() -> None:
    """The programme's own searchable records (ProgrammesConfig.ready)."""
    search_kind("milestone", "Milestones", order=10)
    search_kind("activity", "Activities", order=20)
    search_kind("decision", "Decisions", order=60)
    search_kind("lesson", "Lessons", order=70)
    search_kind("engagement", "Engagement events", order=80)
    # Each describe reads the programme's slug for the link: the rebuild joins it.
    searchable(Milestone, milestone_text, related=("programme",))
    searchable(Decision, decision_text, related=("programme",))
    searchable(Lesson, lesson_text, related=("programme",))
    searchable(EngagementEvent, engagement_text, related=("programme",))


def _having(user, capability: str) -> QuerySet:
    """The ids of the programmes in which `user`'s role has `capability`."""
    if user.is_superuser:
        return programmes_for_user(user).values("pk")
    return Membership.objects.filter(user=user, role__in=roles_with(capability)).values("programme_id")


def search_for(user, query: str, *, offset: int = 0, limit: int = 20) -> Found:
    """What `user` finds for `query` in the programmes they may see, best first. The
    programmes and roles are subqueries of the search's own two queries."""
    visible = visible_q(everyone=programmes_for_user(user).values("pk"),
                        by_capability={c: _having(user, c) for c in search_capabilities()})
    return search(query, tenant_model=Programme, visible=visible, offset=offset, limit=limit)
