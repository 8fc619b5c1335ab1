"""The council area: a council administrator's pages (its programmes, who has access to
what, its administrators, the access log, setting up a programme), a programme's members
and invitations, and the page an invited person opens from their email.

Each view: the access helper (`council_access` for a council's pages, 404 to anyone who
does not administer it; `programme_admin_access` for a programme's members, 403 for a
member who is not the council's administrator, 404 for anyone else), a form, a selector or
a service, render or redirect. Being a council administrator grants nothing inside a
programme: these pages show who has access, never the programme's plan, money or staff.
"""
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.pagination import page_links
from programmes import councils
from programmes.access import council_access, councils_administered, programme_admin_access
from programmes.council_forms import (
    AdministratorAddForm,
    CouncilProgrammeForm,
    InviteForm,
    MemberAddForm,
    MemberRoleForm,
    OrganisationAddForm,
    PersonSearchForm,
)
from programmes.membership import (
    administrator_add,
    administrator_remove,
    invitation_accept,
    invitation_for_secret,
    invitation_resend,
    invitation_revoke,
    invitation_send,
    member_add,
    member_change_role,
    member_remove,
)
from programmes.models import CouncilAdministrator, Invitation, Membership
from programmes.navigation import council_nav, council_sign_in_url
from programmes.services import record_save


def council_context(council, active: str, **extra) -> dict:
    """What every page of the council area needs: the council (its name heads the page)
    and the area's navigation."""
    return {"council": council, "council_nav": council_nav(council, active), **extra}


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


# The council's own pages -----------------------------------------------------------------

@login_required
@require_safe
def council_list(request: HttpRequest) -> HttpResponse:
    """The councils the user administers; straight to the council's page when only one."""
    administered = list(councils_administered(request.user))
    if len(administered) == 1:
        return redirect("programmes:council_home", administered[0].pk)
    return render(request, "programmes/council/list.html", {"councils": administered})


@login_required
@require_safe
def council_home(request: HttpRequest, organisation_id: int) -> HttpResponse:
    council = council_access(request.user, organisation_id)
    return render(request, "programmes/council/home.html", council_context(
        council, "programmes", programmes=list(councils.council_programmes(council)),
        administrators=list(councils.council_administrators(council))))


@login_required
@require_http_methods(["GET", "POST"])
def council_programme_create(request: HttpRequest, organisation_id: int) -> HttpResponse:
    council = council_access(request.user, organisation_id)
    form = CouncilProgrammeForm(request.POST or None)
    form.instance.lead_organisation = council
    if request.method == "POST" and form.is_valid():
        programme = record_save(instance=form.save(commit=False), user=request.user,
                                reason=f"Programme set up by an administrator of {council.name}",
                                m2m={"partners": form.cleaned_data["partners"]})
        messages.success(request, f"{programme.name} has been set up. Add its members next.")
        return redirect("programmes:members", programme.slug)
    return render(request, "programmes/form.html", council_context(
        council, "programmes", form=form, heading=f"Set up a programme for {council.name}",
        submit="Set up programme", cancel_url=reverse("programmes:council_home", args=[council.pk]),
        breadcrumbs=[(council.name, reverse("programmes:council_home", args=[council.pk])),
                     ("New programme", None)]))


@login_required
@require_http_methods(["GET", "POST"])
def council_organisations(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The organisations the council's programmes deal with, and a new one to add: a
    provider or partner that a contract or a programme can then name."""
    council = council_access(request.user, organisation_id)
    form = OrganisationAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        added = record_save(instance=form.save(commit=False), user=request.user,
                            reason=f"Added by an administrator of {council.name}"[:100])
        messages.success(request, f"{added.name} has been added. Its programmes' contracts can now name it.")
        return redirect("programmes:council_organisations", council.pk)
    return render(request, "programmes/council/organisations.html", council_context(
        council, "organisations", form=form, organisations=councils.organisations_used(council)),
        status=400 if form.errors else 200)


@login_required
@require_safe
def council_access_page(request: HttpRequest, organisation_id: int) -> HttpResponse:
    council = council_access(request.user, organisation_id)
    return render(request, "programmes/council/access.html", council_context(
        council, "access", grid=councils.access_grid(council)))


@login_required
@require_http_methods(["GET", "POST"])
def council_administrators(request: HttpRequest, organisation_id: int) -> HttpResponse:
    council = council_access(request.user, organisation_id)
    search = PersonSearchForm(request.GET or None)
    found = councils.find_people(council, search.cleaned_data["q"]) if search.is_valid() else []
    form = AdministratorAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = administrator_add(council=council, user=form.cleaned_data["user"], by=request.user)
        except ValidationError as e:
            form.add_error("user", _errors(e))
        else:
            messages.success(request, f"{councils.person_label(added.user)} now administers {council.name}.")
            return redirect("programmes:council_administrators", council.pk)
    return render(request, "programmes/council/administrators.html", council_context(
        council, "administrators", administrators=list(councils.council_administrators(council)),
        search=search, found=found, form=form))


@login_required
@require_http_methods(["GET", "POST"])
def council_administrator_remove(request: HttpRequest, organisation_id: int, pk: int) -> HttpResponse:
    """Asks first (GET), then removes (POST)."""
    council = council_access(request.user, organisation_id)
    administrator = get_object_or_404(CouncilAdministrator.objects.select_related("user"),
                                      organisation=council, pk=pk)
    if request.method == "GET":
        return render(request, "programmes/council/remove.html", council_context(
            council, "administrators", person=councils.person_label(administrator.user),
            heading=f"Remove {administrator.user.get_full_name() or administrator.user.username} "
                    "as an administrator?",
            consequence="They can no longer set up the council's programmes, change who has access, or see "
                        "the council's access log. Their own programme roles stay as they are.",
            button="Remove administrator",
            cancel_url=reverse("programmes:council_administrators", args=[council.pk])))
    try:
        administrator_remove(administrator=administrator, by=request.user)
    except ValidationError as e:
        messages.error(request, _errors(e))
    else:
        messages.success(request, f"{councils.person_label(administrator.user)} no longer administers "
                                  f"{council.name}.")
    if administrator.user_id == request.user.pk and not councils_administered(request.user).filter(
            pk=council.pk).exists():
        return redirect("programmes:list")
    return redirect("programmes:council_administrators", council.pk)


@login_required
@require_safe
def council_log(request: HttpRequest, organisation_id: int) -> HttpResponse:
    council = council_access(request.user, organisation_id)
    page = request.GET.get("page", "1")
    page = int(page) if page.isdigit() else 1
    entries, pages = councils.access_log(council, page=page)
    return render(request, "programmes/council/log.html", council_context(
        council, "log", entries=entries, pagination=page_links(request, min(page, pages), pages)))


# A programme's members -------------------------------------------------------------------

def _members_page(request: HttpRequest, programme, *, add_form=None, invite_form=None,
                  status: int = 200) -> HttpResponse:
    council = programme.lead_organisation
    search = PersonSearchForm(request.GET or None)
    found = councils.find_people(council, search.cleaned_data["q"]) if search.is_valid() else []
    members = list(councils.programme_members_for_admin(programme))
    member_ids = {m.user_id for m in members}
    now = timezone.now()
    invitations = list(councils.programme_invitations(programme))
    for invitation in invitations:
        invitation.current_state = invitation.state(now)
    return render(request, "programmes/council/members.html", council_context(
        council, "programmes", programme=programme, members=members,
        found=[u for u in found if u.pk not in member_ids], searched=search.is_valid() and bool(
            search.cleaned_data["q"]),
        search=search, add_form=add_form or MemberAddForm(), invite_form=invite_form or InviteForm(),
        invitations=invitations, role_choices=Membership._meta.get_field("role").choices,
        breadcrumbs=[(council.name, reverse("programmes:council_home", args=[council.pk])),
                     (programme.name, None)]), status=status)


@login_required
@require_safe
def members(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_admin_access(request.user, slug)
    return _members_page(request, programme)


@login_required
@require_POST
def member_add_view(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_admin_access(request.user, slug)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            membership = member_add(programme=programme, user=form.cleaned_data["user"],
                                    role=form.cleaned_data["role"], by=request.user)
        except ValidationError as e:
            form.add_error("user", _errors(e))
        else:
            messages.success(request, f"{councils.person_label(membership.user)} added as "
                                      f"{membership.get_role_display()}.")
            return redirect("programmes:members", slug)
    return _members_page(request, programme, add_form=form, status=400)


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = programme_admin_access(request.user, slug)
    membership = get_object_or_404(Membership.objects.select_related("user"), programme=programme, pk=pk)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Choose a role for {councils.person_label(membership.user)}.")
        return redirect("programmes:members", slug)
    member_change_role(membership=membership, role=form.cleaned_data["role"], by=request.user)
    messages.success(request, f"{councils.person_label(membership.user)} is now "
                              f"{membership.get_role_display()}.")
    return redirect("programmes:members", slug)


@login_required
@require_http_methods(["GET", "POST"])
def member_remove_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Asks first (GET), then removes (POST)."""
    programme = programme_admin_access(request.user, slug)
    membership = get_object_or_404(Membership.objects.select_related("user"), programme=programme, pk=pk)
    if request.method == "GET":
        council = programme.lead_organisation
        return render(request, "programmes/council/remove.html", council_context(
            council, "programmes", programme=programme,
            person=councils.person_label(membership.user),
            heading=f"Remove {membership.user.get_full_name() or membership.user.username} from the programme?",
            consequence=f"Their role is {membership.get_role_display()}. Removed, they lose every page of "
                        "the programme at once. You can add them again later.",
            button="Remove member", cancel_url=reverse("programmes:members", args=[programme.slug]),
            breadcrumbs=[(council.name, reverse("programmes:council_home", args=[council.pk])),
                         (programme.name, reverse("programmes:members", args=[programme.slug]))]))
    member_remove(membership=membership, by=request.user)
    messages.success(request, f"{councils.person_label(membership.user)} removed from {programme.name}.")
    return redirect("programmes:members", slug)


@login_required
@require_POST
def member_invite(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_admin_access(request.user, slug)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            sent = invitation_send(programme=programme, by=request.user,
                                   base_url=request.build_absolute_uri("/"), **form.cleaned_data)
        except ValidationError as e:
            for field, errors in e.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"An invitation has been sent to {sent.invitation.email}.")
            return redirect("programmes:members", slug)
    return _members_page(request, programme, invite_form=form, status=400)


def _invitation(programme, pk: int) -> Invitation:
    return get_object_or_404(Invitation, programme=programme, pk=pk)


@login_required
@require_POST
def invitation_resend_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = programme_admin_access(request.user, slug)
    invitation = _invitation(programme, pk)
    try:
        invitation_resend(invitation=invitation, by=request.user, base_url=request.build_absolute_uri("/"))
    except ValidationError as e:
        messages.error(request, _errors(e))
    else:
        messages.success(request, f"The invitation has been sent again to {invitation.email}, "
                                  "with a new link. The old link no longer works.")
    return redirect("programmes:members", slug)


@login_required
@require_POST
def invitation_revoke_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = programme_admin_access(request.user, slug)
    invitation = _invitation(programme, pk)
    try:
        invitation_revoke(invitation=invitation, by=request.user)
    except ValidationError as e:
        messages.error(request, _errors(e))
    else:
        messages.success(request, f"The invitation to {invitation.email} has been revoked.")
    return redirect("programmes:members", slug)


# The invited person's page ---------------------------------------------------------------

def _sso_login_url(invitation: Invitation, token: str) -> str:
    """Sign-in with the council's account, where an app built on programmes (sso) has said
    how with programmes.navigation.council_sign_in, coming back to this invitation's page,
    which then accepts it for the person signed in (matched by the email already on their
    User). Programmes cannot name that app's URLs itself."""
    return council_sign_in_url(invitation.programme.lead_organisation,
                               next_url=reverse("programmes:invitation_accept", args=[token]))


INVITATION_PROBLEMS = {
    Invitation.State.ACCEPTED: ("This invitation has already been used",
                                "Each invitation link works once. Sign in with the password you set, "
                                "or with your council account."),
    Invitation.State.REVOKED: ("This invitation was revoked",
                               "The council's administrator withdrew it. Ask them for a new invitation "
                               "if you still need access."),
    Invitation.State.EXPIRED: ("This invitation has expired",
                               "Invitation links work for a limited time. Ask the council's "
                               "administrator to send it again."),
}


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """The secret in the link is the credential: no sign-in is needed to open it."""
    invitation = invitation_for_secret(token)
    if invitation is None:
        return render(request, "programmes/council/invitation_problem.html", {
            "heading": "This invitation link is not valid",
            "detail": "Check that you used the whole link from the email. If it was sent again, "
                      "only the newest link works."}, status=404)
    state = invitation.state(timezone.now())
    if state != Invitation.State.PENDING:
        heading, detail = INVITATION_PROBLEMS[state]
        return render(request, "programmes/council/invitation_problem.html",
                      {"heading": heading, "detail": detail, "invitation": invitation}, status=410)
    # Signed in already as the invited person (through the council's account, which matched
    # them by email): accepting needs no password.
    signed_in_as_invited = request.user.is_authenticated and request.user.pk == invitation.user_id
    if request.user.is_authenticated and not signed_in_as_invited:
        return render(request, "programmes/council/invitation_problem.html", {
            "heading": "This invitation is for someone else",
            "detail": f"You are signed in as {request.user.username}. Sign out, then open the link again.",
            "invitation": invitation}, status=403)
    # Django's own set-password form: every validator in AUTH_PASSWORD_VALIDATORS applies.
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and signed_in_as_invited:
        invitation_accept(invitation=invitation)
        messages.success(request, f"Welcome. You are now a member of {invitation.programme.name}.")
        return redirect("programmes:overview", invitation.programme.slug)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_accept(invitation=invitation, password=form.cleaned_data["new_password1"])
        except ValidationError as e:
            messages.error(request, _errors(e))
            return redirect("programmes:invitation_accept", token)
        invitation.user.refresh_from_db()
        login(request, invitation.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome. You are now a member of {invitation.programme.name}.")
        return redirect("programmes:overview", invitation.programme.slug)
    return render(request, "programmes/council/invitation.html", {
        "invitation": invitation, "form": form, "sso_url": _sso_login_url(invitation, token),
        "signed_in_as_invited": signed_in_as_invited})
