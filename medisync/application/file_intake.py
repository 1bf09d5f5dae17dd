"""Store an upload's bytes only once its command has been accepted (D31, D56).

The interface spools an upload into the blob store's staging area
(``BlobStore.stage``) and hands the command the ``StagedBlob``. From then on
the command owns the file: it loads and checks everything (role, tenant,
appointment status, the patient's file index); a refusal discards the staged
file, so nothing is left behind. Only then is the staged file committed as a
blob (a rename), and the record that points at it saved. If the save still
fails, the blob is deleted again before the error propagates.

The blob is stored *before* the record is saved, never after: a crash in
between leaves a blob no record references (``medisync audit verify`` lists
it), never a record pointing at a file that does not exist.
"""

from __future__ import annotations

from typing import Callable, TypedDict

from eventsourcing.domain import Aggregate

from medisync.application.app import MediSyncApplication, retry_on_conflict
from medisync.application.ports import BlobStore, StagedBlob, StoredFile

# prepare() loads and checks (raising when refused) and returns build(stored),
# which makes the aggregates to save: the new record first.
Build = Callable[[StoredFile], list[Aggregate]]


def commit_upload(app: MediSyncApplication, blobs: BlobStore, staged: StagedBlob,
                  prepare: Callable[[], Build]) -> tuple[Aggregate, int | None]:
    """(the new record, its notification id); whatever refuses, no file is left behind."""
    stored: StoredFile | None = None
    try:
        steps = [prepare()]  # refused here: the staged file is discarded below
        stored = blobs.commit(staged)
        kept = stored

        def command() -> tuple[Aggregate, int | None]:
            build = steps.pop() if steps else prepare()  # a conflict re-reads and re-checks
            aggregates = build(kept)
            return aggregates[0], app.commit(*aggregates)

        return retry_on_conflict(command)
    except BaseException:
        if stored is None:
            blobs.discard(staged)
        else:
            blobs.delete(stored.key)
        raise


class BlobFields(TypedDict):
    """What a Recording's or Document's ``Uploaded`` event records of its blob: one place to add a digest."""

    blob_key: str
    sha256: str
    sha1: str
    size_bytes: int
    content_type: str


def blob_fields(stored: StoredFile, content_type: str) -> BlobFields:
    return {"blob_key": stored.key, "sha256": stored.sha256, "sha1": stored.sha1,
            "size_bytes": stored.size, "content_type": content_type}
