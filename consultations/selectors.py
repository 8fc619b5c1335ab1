"""Every read of the consultations pages, the API and the paper: scoped to a programme and
fetched in a fixed number of queries however many records there are."""
from django.db.models import Count, Prefetch, Q, QuerySet

from consultations.models import (
    ConsultationMeeting,
    Finding,
    MeasuresLetter,
    Proposal,
    PublicConsultation,
    StaffConsultation,
    StaffRepresentative,
)
from programmes.models import Programme


def staff_consultations(*, programme: Programme) -> QuerySet[StaffConsultation]:
    """The programme's staff consultations, each with how many meetings, representatives,
    counter-proposals and measures letters it has (counted in the one query)."""
    return (StaffConsultation.objects.filter(programme=programme)
            .annotate(meeting_count=Count("meetings", distinct=True),
                      representative_count=Count("representatives", distinct=True),
                      counter_count=Count("proposals", filter=Q(proposals__kind=Proposal.Kind.COUNTER),
                                          distinct=True),
                      letter_count=Count("letters", distinct=True))
            .order_by("start_date", "pk"))


def public_consultations(*, programme: Programme) -> QuerySet[PublicConsultation]:
    return (PublicConsultation.objects.filter(programme=programme)
            .annotate(finding_count=Count("findings")).order_by("start_date", "pk"))


def staff_consultations_in_full(*, programme: Programme) -> list[StaffConsultation]:
    """Every staff consultation with all its records, in one query per kind of record."""
    return list(staff_consultations(programme=programme).prefetch_related(
        Prefetch("representatives", queryset=StaffRepresentative.objects.order_by("body", "pk")),
        Prefetch("meetings", queryset=ConsultationMeeting.objects.order_by("date", "pk")),
        Prefetch("proposals", queryset=Proposal.objects.order_by("put_on", "pk")),
        Prefetch("letters", queryset=MeasuresLetter.objects.order_by("sent_on", "pk"))))


def public_consultations_in_full(*, programme: Programme) -> list[PublicConsultation]:
    return list(public_consultations(programme=programme).prefetch_related(
        Prefetch("findings", queryset=Finding.objects.order_by("pk"))))
