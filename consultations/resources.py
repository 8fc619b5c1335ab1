"""The consultations' records — each kind of consultation and every record kept within one —
share one set of add, edit, delete and history pages (programmes.record_pages). Each is
described here once; the URLs are built from this, and each is listed on its
consultation's page.

Who writes: staff consultations are run by the programme manager with HR
(EDIT_STAFF_CONSULTATION); public ones are part of the programme's engagement, kept like
its logs by the programme manager and the director (EDIT_PLAN). Every member reads; the
fields that may name a member of staff (models.PERSONAL_FIELDS) only HR sees."""
from django.urls import reverse

from consultations import forms as cf
from consultations.models import (
    PERSONAL_FIELDS,
    ConsultationMeeting,
    Finding,
    MeasuresLetter,
    Proposal,
    PublicConsultation,
    StaffConsultation,
    StaffRepresentative,
)
from core.roles import Capability
from programmes.record_pages import RecordPages
from programmes.views import programme_context

STAFF = Capability.EDIT_STAFF_CONSULTATION
PUBLIC = Capability.EDIT_PLAN


def context(access, **extra) -> dict:
    """The consultations pages' frame: the programme's, with this section marked, and
    whether the member may change each kind."""
    return programme_context(access, "consultations", can_edit_staff=access.can(STAFF),
                             can_edit_public=access.can(PUBLIC), **extra)


def _parent_from_query(request, access) -> dict:
    # "Add a meeting" on a consultation's page names the consultation, so the form starts with it.
    pk = request.GET.get("consultation", "")
    return {"consultation": int(pk)} if pk.isdigit() else {}


def _on_its_consultation(detail: str):
    """A record kept within a consultation goes back to that consultation's page after a
    save or a delete (and Cancel leads there)."""
    return lambda record: reverse(detail, args=[record.programme.slug, record.consultation_id])


def _record(key: str, model, form, singular: str, capability: Capability, **kw) -> RecordPages:
    child = "consultation" in form.base_fields
    if child:
        kw.setdefault("back", _on_its_consultation(
            "consultations:public_detail" if capability == PUBLIC else "consultations:staff_detail"))
    return RecordPages(key=key, model=model, form=form, singular=singular, capability=capability,
                       namespace="consultations", done="consultations:home", context=context,
                       personal=PERSONAL_FIELDS.get(model, ()),
                       **({"initial": _parent_from_query} if child else {}), **kw)


RESOURCES: dict[str, RecordPages] = {r.key: r for r in (
    _record("staff", StaffConsultation, cf.StaffConsultationForm, "staff consultation", STAFF),
    _record("representatives", StaffRepresentative, cf.StaffRepresentativeForm, "representative", STAFF),
    _record("meetings", ConsultationMeeting, cf.ConsultationMeetingForm, "consultation meeting", STAFF),
    _record("proposals", Proposal, cf.ProposalForm, "proposal", STAFF),
    _record("letters", MeasuresLetter, cf.MeasuresLetterForm, "measures letter", STAFF),
    _record("public", PublicConsultation, cf.PublicConsultationForm, "public consultation", PUBLIC),
    _record("findings", Finding, cf.FindingForm, "finding", PUBLIC),
)}
