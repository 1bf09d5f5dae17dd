"""Store an upload's bytes only once its command has been accepted (D31).

An upload is spooled to a staging file by the interface. The command first
loads and checks everything (role, tenant, appointment status, the patient's
file index): a refusal leaves nothing in blob storage. Only then is the staged
file adopted as a blob, and the record that points at it committed. If the
commit still fails, the blob is deleted again before the error propagates.

The blob is stored *before* the commit, never after: a crash in between
leaves a blob no record references (``medisync audit verify`` lists it),
never a record pointing at a file that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from medisync.application.app import MediSyncApplication, retry_on_conflict
from medisync.application.ports import BlobStore, StoredFile

# prepare() loads and checks (raising when refused) and returns build(stored),
# which makes the aggregates to save: the new record first.
Build = Callable[[StoredFile], list[Any]]


@dataclass(frozen=True)
class StagedFile:
    """An upload spooled under the blob store's staging directory, already judged by content."""

    path: str
    content_type: str


def commit_upload(app: MediSyncApplication, blobs: BlobStore, staged: StagedFile,
                  prepare: Callable[[], Build]) -> tuple[Any, int | None]:
    """(the new record, its notification id)."""
    steps = [prepare()]  # refused here: nothing has been stored
    stored = blobs.put_file(staged.path)

    def command() -> tuple[Any, int | None]:
        build = steps.pop() if steps else prepare()  # a conflict re-reads and re-checks
        aggregates = build(stored)
        return aggregates[0], app.commit(*aggregates)

    try:
        return retry_on_conflict(command)
    except BaseException:
        blobs.delete(stored.key)
        raise


def blob_fields(stored: StoredFile, staged: StagedFile) -> dict[str, Any]:
    return {"blob_key": stored.key, "sha256": stored.sha256, "sha1": stored.sha1,
            "size_bytes": stored.size, "content_type": staged.content_type}
