"""On-demand regeneration of an AI draft from the latest transcript.

The transcript is read from the Recording aggregate (the write model), not from
the read model, so a regeneration never drafts from a stale or lagging view."""

from __future__ import annotations

from medisync.application.access import NOTE_WRITERS, require_role, require_tier
from medisync.application.appointments import AppointmentService
from medisync.application.note_templates import NoteTemplateService, TemplateChoice
from medisync.application.notes import NoteService
from medisync.application.ports import NoteGenerator
from medisync.application.principal import Principal
from medisync.application.recordings import RecordingService
from medisync.application.results import CommandResult
from medisync.domain.errors import InvalidTransitionError, ValidationError

PREMIUM_GENERATORS = ("llm",)


class NoteDrafting:
    def __init__(self, notes: NoteService, appointments: AppointmentService, recordings: RecordingService,
                 generators: dict[str, NoteGenerator], templates: NoteTemplateService | None = None) -> None:
        self.notes = notes
        self.appointments = appointments
        self.recordings = recordings
        self.generators = generators
        self.templates = templates

    def regenerate(self, principal: Principal, appointment_id: str, generator: str,
                   template: str | None = None) -> CommandResult:
        """Draft into ``template`` (a built-in or the practice's own); none: the doctor's default."""
        require_role(principal, NOTE_WRITERS, "generate notes")
        if generator in PREMIUM_GENERATORS:
            require_tier(principal, "premium", f"the {generator} note generator")
        appointment = self.appointments.load_visible(principal, appointment_id)
        choice = self._choice(principal.practice_id, appointment.doctor_id, template)
        if generator not in self.generators:
            raise ValidationError(f"generator {generator} is not configured", field="generator")
        recording = self.recordings.latest_transcribed(appointment.patient_id, appointment_id)
        if recording is None:
            raise InvalidTransitionError("there is no transcript to draft from yet")
        draft = self.generators[generator].generate(recording.transcribed, template=choice.template)
        notification_id = self.notes.record_generated(appointment_id, choice.stamp(draft), principal.actor(),
                                                      transcript_version=recording.transcript_version)
        return CommandResult(appointment_id, notification_id, created=False)

    def _choice(self, practice_id: str, doctor_id: str, template: str | None) -> TemplateChoice:
        if self.templates is None:
            return TemplateChoice(template or "soap", None, template or "soap")
        if template is None:
            return self.templates.default_for(practice_id, doctor_id)
        return self.templates.resolve(practice_id, template)
