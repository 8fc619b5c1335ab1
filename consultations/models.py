"""Consultations: the collective consultation of staff (TUPE 2006 reg. 13, TULRCA 1992
s188) and the public consultation, with what the council records of each.

Each child record (a representative, a meeting, a proposal, a measures letter, a finding)
carries its programme as well as its consultation, so that it is found — and refused to
outsiders — through the programme like every other record (programmes.record_pages,
ProgrammeChildViewSet). `clean()` keeps the two in step.

Personal data: a staff consultation's meeting attendees and an elected representative's
name may name a member of staff. They are `PERSONAL_FIELDS`, shown only to a role with
VIEW_PERSONAL_DATA; everything else here is about bodies (a union, the council), never a
person."""
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from programmes.models import Programme


class State(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


STATE_TONE = {State.NOT_STARTED: "grey", State.OPEN: "green", State.CLOSED: "blue"}


class ConsultationPeriod(TimeStampedModel):
    """What both kinds share: a title and a period, whose end is not before its start."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    start_date = models.DateField("start")
    end_date = models.DateField("end")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end must be on or after the start"})

    @property
    def length_days(self) -> int:
        """The period's length in calendar days, counting its first and its last day."""
        return (self.end_date - self.start_date).days + 1

    def state(self, today: date) -> State:
        if today < self.start_date:
            return State.NOT_STARTED
        return State.OPEN if today <= self.end_date else State.CLOSED


def _period_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name=name)


class StaffConsultation(ConsultationPeriod):
    """A collective consultation of the staff affected: with the appropriate representatives
    about a transfer (TUPE 2006 reg. 13), about proposed redundancies (TULRCA 1992 s188), or
    both at once."""

    class Duty(models.TextChoices):
        TUPE = "tupe", "TUPE 2006 regulation 13 (a transfer)"
        TULRCA = "tulrca", "TULRCA 1992 section 188 (proposed redundancies)"
        BOTH = "both", "Both: TUPE 2006 regulation 13 and TULRCA 1992 section 188"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="staff_consultations")
    duty = models.CharField("under which duty", max_length=10, choices=Duty.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "pk"]
        constraints = [_period_constraint("staff_consultation_end_not_before_start")]

    @property
    def duty_reference(self) -> str:
        return {self.Duty.TUPE: "TUPE 2006 reg. 13", self.Duty.TULRCA: "TULRCA 1992 s188",
                self.Duty.BOTH: "TUPE 2006 reg. 13 and TULRCA 1992 s188"}[self.duty]


class PublicConsultation(ConsultationPeriod):
    """A consultation of the public and the people who use the services, tested against the
    Gunning principles (R v Brent LBC ex p Gunning, 1985; endorsed in R (Moseley) v
    Haringey LBC, 2014)."""

    class Channel(models.TextChoices):
        ONLINE_SURVEY = "online_survey", "Online survey"
        PUBLIC_MEETINGS = "public_meetings", "Public meetings"
        DROP_INS = "drop_ins", "Drop-in sessions"
        LETTERS = "letters", "Letters"
        EASY_READ = "easy_read", "Easy read version"
        PAPER_SURVEY = "paper_survey", "Paper survey"
        OTHER = "other", "Other"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="public_consultations")
    document_title = models.CharField("consultation document", max_length=200)
    document_reference = models.CharField(
        "link or reference to the document", max_length=500, blank=True,
        help_text="A web address, or where the document is kept")
    channels = models.JSONField("channels used", default=list, blank=True)
    other_channel = models.CharField("other channel", max_length=200, blank=True,
                                     help_text="What the other channel was, if you ticked Other")
    responses = models.PositiveIntegerField("number of responses", null=True, blank=True,
                                            help_text="Leave blank until the responses are counted")
    formative = models.BooleanField("proposals at a formative stage", default=False)
    formative_note = models.TextField("evidence: formative stage", blank=True)
    reasons = models.BooleanField("sufficient reasons given for intelligent consideration", default=False)
    reasons_note = models.TextField("evidence: sufficient reasons", blank=True)
    time = models.BooleanField("adequate time to respond", default=False)
    time_note = models.TextField("evidence: adequate time", blank=True)
    considered = models.BooleanField("responses conscientiously taken into account", default=False)
    considered_note = models.TextField("evidence: responses taken into account", blank=True)
    history = HistoricalRecords()

    # The four principles: (field, its note's field, the principle in words).
    GUNNING = (
        ("formative", "formative_note", "Proposals at a formative stage"),
        ("reasons", "reasons_note", "Sufficient reasons given for intelligent consideration"),
        ("time", "time_note", "Adequate time to respond"),
        ("considered", "considered_note", "Responses conscientiously taken into account"),
    )

    class Meta:
        ordering = ["start_date", "pk"]
        constraints = [_period_constraint("public_consultation_end_not_before_start")]

    def clean(self):
        super().clean()
        known = set(self.Channel.values)
        if not isinstance(self.channels, list) or any(c not in known for c in self.channels):
            raise ValidationError({"channels": "Choose channels from the list"})
        if self.Channel.OTHER in self.channels and not self.other_channel.strip():
            raise ValidationError({"other_channel": "Say what the other channel was"})

    def channel_labels(self) -> list[str]:
        labels = dict(self.Channel.choices)
        out = [labels[c] for c in self.Channel.values if c in self.channels and c != self.Channel.OTHER]
        if self.Channel.OTHER in self.channels:
            out.append(self.other_channel or labels[self.Channel.OTHER])
        return out

    def gunning(self) -> list[dict]:
        """Each principle: its words, whether it is met and the evidence noted."""
        return [{"key": f, "principle": words, "met": getattr(self, f), "note": getattr(self, n)}
                for f, n, words in self.GUNNING]

    def gunning_not_evidenced(self) -> list[str]:
        return [g["principle"] for g in self.gunning() if not g["met"]]


class _Child(models.Model):
    """A record of one consultation, carrying the consultation's programme."""

    parent_field = ""

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        parent_id = getattr(self, f"{self.parent_field}_id")
        if parent_id and self.programme_id:
            parent = getattr(self, self.parent_field)
            if parent.programme_id != self.programme_id:
                raise ValidationError({self.parent_field: "Choose a consultation of this programme"})


class StaffRepresentative(_Child):
    """An appropriate representative of the affected staff: a recognised trade union, or a
    representative the staff elected where no union is recognised for them."""

    class Kind(models.TextChoices):
        UNION = "union", "Recognised trade union"
        ELECTED = "elected", "Elected representative"

    parent_field = "consultation"
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    consultation = models.ForeignKey(StaffConsultation, on_delete=models.CASCADE, related_name="representatives")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    body = models.CharField("union or body", max_length=200, help_text="For example Unison, or the staff forum")
    name = models.CharField("who", max_length=200, blank=True,
                            help_text="The representative's name (personal data: only HR sees it)")
    history = HistoricalRecords()

    class Meta:
        ordering = ["body", "pk"]

    def __str__(self) -> str:
        return f"{self.body} ({self.get_kind_display().lower()})"


class ConsultationMeeting(_Child):
    """A meeting held in a staff consultation."""

    parent_field = "consultation"
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    consultation = models.ForeignKey(StaffConsultation, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    attendees = models.TextField(blank=True, help_text="Who attended (personal data: only HR sees it)")
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"Meeting on {self.date:%-d %B %Y}" if self.date else "Meeting"


class Proposal(_Child):
    """A proposal put in a staff consultation — by the council, or a counter-proposal by the
    representatives — and the council's response to it."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", "Proposal"
        COUNTER = "counter", "Counter-proposal"

    parent_field = "consultation"
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    consultation = models.ForeignKey(StaffConsultation, on_delete=models.CASCADE, related_name="proposals")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    put_by = models.CharField("put by", max_length=200, help_text="The body that put it, for example Unison")
    put_on = models.DateField("date put")
    text = models.TextField("the proposal")
    response = models.TextField("the council's response", blank=True)
    responded_on = models.DateField("date of the response", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["put_on", "pk"]
        constraints = [models.CheckConstraint(
            condition=models.Q(responded_on__isnull=True) | models.Q(responded_on__gte=models.F("put_on")),
            name="proposal_response_not_before_proposal")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.put_by}"

    def clean(self):
        super().clean()
        if self.responded_on and not self.response.strip():
            raise ValidationError({"response": "Enter the council's response, or leave its date blank"})
        if self.response.strip() and not self.responded_on:
            raise ValidationError({"responded_on": "Enter the date of the council's response"})
        if self.responded_on and self.put_on and self.responded_on < self.put_on:
            raise ValidationError({"responded_on": "The response must be on or after the date the proposal was put"})


class MeasuresLetter(_Child):
    """A letter about the measures envisaged (TUPE reg. 13(2)(d), 13(4)): when it was sent,
    to whom and about what."""

    parent_field = "consultation"
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    consultation = models.ForeignKey(StaffConsultation, on_delete=models.CASCADE, related_name="letters")
    sent_on = models.DateField("date sent")
    recipient = models.CharField("to whom", max_length=200, help_text="For example the outgoing provider, or Unison")
    subject = models.CharField("about what", max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sent_on", "pk"]

    def __str__(self) -> str:
        return f"Measures letter to {self.recipient}"


class Finding(_Child):
    """What a public consultation found on one theme, and the council's response."""

    parent_field = "consultation"
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    consultation = models.ForeignKey(PublicConsultation, on_delete=models.CASCADE, related_name="findings")
    finding = models.TextField()
    response = models.TextField("the council's response", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Finding: {self.finding[:60]}"


# Fields that may name a member of staff, by model: only VIEW_PERSONAL_DATA sees them.
PERSONAL_FIELDS = {StaffRepresentative: ("name",), ConsultationMeeting: ("attendees",)}
