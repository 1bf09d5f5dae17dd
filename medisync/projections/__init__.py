"""Projections: domain events in, read-model changes out."""

from medisync.projections.appointments import AppointmentsProjection
from medisync.projections.documents import DocumentsProjection
from medisync.projections.note_documents import NoteDocumentsProjection
from medisync.projections.note_templates import NoteTemplatesProjection
from medisync.projections.notes import NotesProjection
from medisync.projections.patients import PatientsProjection
from medisync.projections.recordings import RecordingsProjection
from medisync.projections.users import UsersProjection

ALL_PROJECTIONS = (
    UsersProjection,
    PatientsProjection,
    AppointmentsProjection,
    RecordingsProjection,
    NotesProjection,
    DocumentsProjection,
    NoteTemplatesProjection,
    NoteDocumentsProjection,
)
