"""Reads for the council area: a council's programmes, who has access to what, the people
an administrator may add, and the access log. Each runs a fixed number of queries however
many programmes, people or log entries there are."""
from dataclasses import dataclass, field
from datetime import datetime
from heapq import merge

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from programmes.models import CouncilAdministrator, Invitation, Membership, Organisation, Programme


def person_label(user) -> str:
    """A person as the council area shows them: name, username and email together, since
    two people may share a name (never the full name alone)."""
    parts = [user.get_full_name() or "(no name)", user.username]
    if user.email and user.email.lower() != user.username.lower():
        parts.append(user.email)
    return f"{parts[0]} ({', '.join(parts[1:])})"


def council_programmes(council: Organisation) -> QuerySet[Programme]:
    """The programmes the council leads, each with its number of members."""
    return (Programme.objects.filter(lead_organisation=council)
            .annotate(member_count=Count("memberships", distinct=True))
            .order_by("name"))


def council_administrators(council: Organisation) -> QuerySet[CouncilAdministrator]:
    return (CouncilAdministrator.objects.filter(organisation=council).select_related("user")
            .order_by("user__last_name", "user__first_name", "user__username"))


@dataclass
class AccessRow:
    """One person and their role (or none) in each of the council's programmes."""

    user: object
    roles: list  # one entry per programme column: the role's label or ""
    administrator: bool = False


@dataclass
class AccessGrid:
    programmes: list
    rows: list[AccessRow] = field(default_factory=list)


def access_grid(council: Organisation) -> AccessGrid:
    """Who has access to what: every member of any of the council's programmes and every
    administrator of the council, with their role in each programme (three queries)."""
    programmes = list(Programme.objects.filter(lead_organisation=council).order_by("name"))
    column = {p.pk: i for i, p in enumerate(programmes)}
    memberships = (Membership.objects.filter(programme__lead_organisation=council)
                   .select_related("user"))
    admins = {a.user_id: a.user for a in council_administrators(council)}
    rows: dict[int, AccessRow] = {}
    for m in memberships:
        row = rows.setdefault(m.user_id, AccessRow(m.user, [""] * len(programmes)))
        row.roles[column[m.programme_id]] = m.get_role_display()
    for user_id, user in admins.items():
        rows.setdefault(user_id, AccessRow(user, [""] * len(programmes))).administrator = True
    ordered = sorted(rows.values(), key=lambda r: (r.user.last_name.lower(), r.user.first_name.lower(),
                                                   r.user.username))
    return AccessGrid(programmes, ordered)


def people_known_to(council: Organisation) -> Q:
    """The people a council already deals with: members of its programmes, its
    administrators and the people it invited."""
    return (Q(memberships__programme__lead_organisation=council)
            | Q(council_roles__organisation=council)
            | Q(invitations__programme__lead_organisation=council))


def find_people(council: Organisation, query: str, *, limit: int = 20) -> list:
    """People an administrator of `council` may add, matching `query`.

    A whole email address finds anyone with an account (the administrator already knows
    it); part of a name, username or email finds only people the council already deals
    with, so an administrator cannot list another council's staff by typing letters."""
    query = query.strip()
    if len(query) < 2:
        return []
    User = get_user_model()
    words = query.split()
    partial = Q()
    for word in words:
        partial &= (Q(first_name__icontains=word) | Q(last_name__icontains=word)
                    | Q(username__icontains=word) | Q(email__icontains=word))
    found = User.objects.filter(is_active=True).filter(
        Q(email__iexact=query) | (partial & people_known_to(council)))
    return list(found.distinct().order_by("last_name", "first_name", "username")[:limit])


def programme_members_for_admin(programme: Programme) -> QuerySet[Membership]:
    return (Membership.objects.filter(programme=programme).select_related("user")
            .order_by("user__last_name", "user__first_name", "user__username"))


def programme_invitations(programme: Programme) -> QuerySet[Invitation]:
    """The invitations not yet accepted (waiting, expired or revoked), newest first."""
    return (Invitation.objects.filter(programme=programme, accepted_at__isnull=True)
            .select_related("invited_by").order_by("-created_at", "-pk"))


# The access log --------------------------------------------------------------------------

@dataclass(frozen=True)
class LogEntry:
    when: datetime
    who: object  # the user who made the change, or None
    what: str  # "Membership", "Administrator", "Invitation"
    programme: str  # the programme's name, or "" for the council itself
    change: str  # the reason recorded with the change
    kind: str  # Created / Changed / Deleted


_KINDS = {"+": "Granted", "~": "Changed", "-": "Removed"}


def access_log(council: Organisation, *, page: int = 1, per_page: int = 50) -> tuple[list[LogEntry], int]:
    """Every grant, change and removal of access to the council and its programmes, newest
    first, from the history of memberships, administrators and invitations. Returns one
    page of entries and the number of pages.

    The three histories are read newest first, each only as far as the page needs, and
    merged: six queries (three counts, three reads) whatever the length of the log."""
    programme_ids = Programme.objects.filter(lead_organisation=council).values("pk")
    sources = [
        ("Membership", Membership.history.filter(programme_id__in=programme_ids)
         .select_related("history_user", "programme")),
        ("Invitation", Invitation.history.filter(programme_id__in=programme_ids)
         .select_related("history_user", "programme")),
        ("Administrator", CouncilAdministrator.history.filter(organisation_id=council.pk)
         .select_related("history_user")),
    ]
    total = sum(qs.count() for _, qs in sources)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    wanted = page * per_page

    def entries(what, qs):
        for rec in qs.order_by("-history_date", "-history_id")[:wanted]:
            programme = getattr(rec, "programme", None) if what != "Administrator" else None
            yield LogEntry(rec.history_date, rec.history_user, what,
                           programme.name if programme else "",
                           rec.history_change_reason or "", _KINDS.get(rec.history_type, ""))

    merged = merge(*(entries(what, qs) for what, qs in sources), key=lambda e: e.when, reverse=True)
    return list(merged)[(page - 1) * per_page:wanted], pages


def organisations_used(council):
    """The organisations the council's programmes name, as a counterparty or a partner,
    each with how many of its contracts are with it: one query."""
    return (Organisation.objects
            .filter(Q(contracts__programme__lead_organisation=council)
                    | Q(partner_programmes__lead_organisation=council))
            .annotate(contract_count=Count("contracts", filter=Q(contracts__programme__lead_organisation=council),
                                           distinct=True))
            .distinct().order_by("name"))


# The kinds of organisation a council's administrator may add: a council that uses the
# service is set up by the site, never here.
ADDABLE_ORGANISATION_KINDS = [c for c in Organisation.Kind.choices if c[0] != Organisation.Kind.COUNCIL]


def organisation_name_problem(name: str) -> tuple[str, str | None]:
    """The name as stored (spaces squeezed), and why it cannot be added, or None: an
    organisation of that name, in any case, is already in the list."""
    name = " ".join(name.split())
    existing = Organisation.objects.filter(name__iexact=name).first()
    if existing is not None:
        return name, f"{existing.name} is already in the list: choose it on the contract form."
    return name, None
