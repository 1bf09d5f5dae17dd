"""The use cases that are whole application commands, each in its own module (D56).

An HTTP handler parses the request into the command's input, calls the
command once, and presents what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass

from medisync.application.app import MediSyncApplication
from medisync.application.appointments import AppointmentService
from medisync.application.delete_recordings import DeleteRecordingsHandler
from medisync.application.identity import IdentityService
from medisync.application.patients import PatientService
from medisync.application.ports import BlobReferences, BlobStore
from medisync.application.recordings import RecordingService
from medisync.application.register_and_login import RegisterAndLoginHandler
from medisync.application.upload_document import UploadDocumentHandler
from medisync.application.upload_recording import UploadRecordingHandler


@dataclass(frozen=True)
class Commands:
    upload_recording: UploadRecordingHandler
    upload_document: UploadDocumentHandler
    delete_recordings: DeleteRecordingsHandler
    register_and_login: RegisterAndLoginHandler

    @classmethod
    def wire(cls, app: MediSyncApplication, identity: IdentityService, patients: PatientService,
             appointments: AppointmentService, recordings: RecordingService, blobs: BlobStore,
             references: BlobReferences) -> Commands:
        return cls(
            upload_recording=UploadRecordingHandler(app, appointments, blobs),
            upload_document=UploadDocumentHandler(app, patients, appointments, blobs),
            delete_recordings=DeleteRecordingsHandler(app, appointments, recordings, blobs, references),
            register_and_login=RegisterAndLoginHandler(identity))
