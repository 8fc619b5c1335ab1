"""A person's own pages, across every programme they belong to: My actions (and its
calendar feed), and which emails they get (and the one-click stop in every email)."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from programmes import exports
from programmes.feeds import personal_feed_for, personal_feed_issue, personal_feed_revoke
from programmes.forms import EmailSettingsForm
from programmes.models import Membership, NotificationPreference, PersonalFeed
from programmes.notify import frequency_for, preference_set, preferences_of, unsubscribe_read
from programmes.reach import LOOK_AHEAD_DAYS, due_words, duties, my_actions, reminder_kind_of, reminder_kinds

_NEW_FEED_KEY = "new_personal_feed"


def _my_duties(user, today):
    ids = list(Membership.objects.filter(user=user).values_list("programme_id", flat=True))
    return duties(programme_ids=ids, today=today, user_id=user.pk)


@login_required
@require_safe
def my_actions_page(request: HttpRequest) -> HttpResponse:
    """What is the signed-in person's to do, in every programme of theirs: overdue, this
    week, later (to LOOK_AHEAD_DAYS ahead)."""
    today = timezone.localdate()
    found = _my_duties(request.user, today)
    groups = my_actions(found, today)
    rows = {id(d): due_words(d.when, today) for d in found}
    feed = PersonalFeed.objects.filter(user=request.user).first()
    return render(request, "programmes/my_actions.html", {
        "groups": [{"key": g.key, "heading": g.heading,
                    "rows": [{"duty": d, "due": rows[id(d)]} for d in g.duties]} for g in groups],
        "count": len(found), "today": today, "look_ahead": LOOK_AHEAD_DAYS, "feed": feed,
        "new_feed": request.session.pop(_NEW_FEED_KEY, None),
        "feed_expired": feed is not None and feed.expires_at <= timezone.now(),
        "breadcrumbs": [("Programmes", reverse("programmes:list")), ("My actions", None)]})


@login_required
@require_POST
def my_actions_feed_token(request: HttpRequest) -> HttpResponse:
    """Make, renew or turn off the secret address of the person's My actions feed."""
    if request.POST.get("action") == "revoke":
        personal_feed_revoke(user=request.user)
        messages.success(request, "Your My actions calendar address no longer works.")
    else:
        secret = personal_feed_issue(user=request.user)
        request.session[_NEW_FEED_KEY] = request.build_absolute_uri(
            reverse("programmes:my_actions_feed", args=[secret]))
        messages.success(request, "Your My actions calendar has a new address. Any old address no longer works.")
    return redirect("programmes:my_actions")


@require_safe
def my_actions_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's dated duties as an iCalendar feed; the secret in the URL is the only
    credential, since calendar apps cannot sign in."""
    found = personal_feed_for(token)
    if found.feed is None:
        raise Http404("No such calendar")
    if found.expired:
        expired = timezone.localtime(found.feed.expires_at)
        return HttpResponse(
            f"This calendar feed address expired on {expired.day} {expired:%B %Y}. Sign in and make a new one "
            f"on your My actions page: {request.build_absolute_uri(reverse('programmes:my_actions'))}\n",
            status=410, content_type="text/plain; charset=utf-8")
    user = found.feed.user
    content = exports.actions_calendar(duties=_my_duties(user, timezone.localdate()),
                                       name=user.get_full_name() or user.get_username(), host=request.get_host(),
                                       base=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="my-actions.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def email_settings(request: HttpRequest) -> HttpResponse:
    """How often the person gets each kind of email: one radio group per kind."""
    kinds = reminder_kinds()
    prefs = preferences_of([request.user.pk])
    form = EmailSettingsForm(request.POST or None, kinds=kinds,
                             initial_frequencies={k.key: frequency_for(prefs, request.user.pk, k.key) for k in kinds})
    if request.method == "POST" and form.is_valid():
        for k in kinds:
            preference_set(user=request.user, kind=k.key, frequency=form.cleaned_data[k.key])
        messages.success(request, "Your email settings are saved.")
        return redirect("programmes:email_settings")
    return render(request, "programmes/email_settings.html", {
        "form": form, "has_email": bool(request.user.email), "daily_hour": f"{settings.EMAIL_DAILY_HOUR:02d}:00",
        "breadcrumbs": [("Programmes", reverse("programmes:list")), ("Email settings", None)]})


@csrf_exempt  # a mail program's one-click POST (RFC 8058) carries no form token: the signed link is the credential
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop one kind of email. The link in the email opens a page with one button (so that
    a mail scanner following links stops nothing); a mail program's one-click POST, or the
    button, turns the kind off. Nobody need be signed in: the signed link says who. The
    page says whether that kind is off now."""
    found = unsubscribe_read(token)
    if found is None:
        raise Http404("This link is not one Insource made, or it has been cut short.")
    user_id, kind_key = found
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise Http404("No such person")
    kind = reminder_kind_of(kind_key)
    if request.method == "POST":
        preference_set(user=user, kind=kind.key, frequency=NotificationPreference.Frequency.OFF)
        return redirect("programmes:unsubscribe", token)
    off = frequency_for(preferences_of([user.pk]), user.pk, kind.key) == NotificationPreference.Frequency.OFF
    return render(request, "programmes/unsubscribe.html", {"kind": kind, "done": off, "token": token})
