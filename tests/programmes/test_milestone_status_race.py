"""The quick status change on a milestone's page when someone else gets in between the
page finding the milestone and locking it: a delete is said as such (never a server
error, never bringing the milestone back), and a change they saved is kept."""
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from programmes import views
from programmes.models import Milestone

pytestmark = pytest.mark.django_db


def _then(monkeypatch, action):
    """Let the view find the milestone, then do `action` to its row as another person would."""
    found = views._milestone

    def finding_then_acting(access, pk):
        m = found(access, pk)
        action(pk)
        return m

    monkeypatch.setattr(views, "_milestone", finding_then_acting)


@pytest.mark.parametrize("with_version", [True, False])
def test_a_milestone_deleted_meanwhile_is_said_to_be_deleted(cast, monkeypatch, with_version):
    m = cast.milestone
    client = cast.client("pm")
    detail = client.get(reverse("programmes:milestone_detail", args=["home", m.pk]))
    version = detail.context["status_form"].initial["record_version"]
    _then(monkeypatch, lambda pk: Milestone.objects.filter(pk=pk).delete())
    data = {"status": "complete", **({"record_version": version} if with_version else {})}
    response = client.post(reverse("programmes:milestone_status", args=["home", m.pk]), data)
    assert response.status_code == 302 and response["Location"] == reverse("programmes:tracker", args=["home"])
    assert [(x.level_tag, str(x)) for x in get_messages(response.wsgi_request)] == [
        ("error", "The milestone \u201cConsultation\u201d has been deleted since you opened it.")]
    assert not Milestone.objects.filter(pk=m.pk).exists()


def test_a_change_saved_meanwhile_is_kept_by_a_status_change_without_a_version(cast, monkeypatch):
    m = cast.milestone
    _then(monkeypatch, lambda pk: Milestone.objects.filter(pk=pk).update(title="Consultation (moved)"))
    response = cast.client("pm").post(reverse("programmes:milestone_status", args=["home", m.pk]),
                                      {"status": "complete"})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.status == "complete" and m.title == "Consultation (moved)"
