"""/documents over real HTTP: uploads judged by content, byte-exact
round trips, content-addressed storage, listing and deletion."""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.api import Caller, assert_error, create_patient, register_practice
from tests.support.server import ServerProcess, stored_blobs

# Minimal files that start with each accepted type's magic number, made unique per run.
SAMPLES = {
    "application/pdf": lambda tag: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + tag + b"\n%%EOF\n",
    "image/png": lambda tag: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + tag,
    "image/jpeg": lambda tag: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + tag + b"\xff\xd9",
    "text/plain": lambda tag: "Lab report: HbA1c 7.9 % — José Núñez\n".encode() + tag,
}


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ" + uuid.uuid4().bytes)
    return buffer.getvalue()


REFUSED = {
    "zip": zip_bytes,
    "elf": lambda: b"\x7fELF\x02\x01\x01\x00" + uuid.uuid4().bytes,
    "windows exe": lambda: b"MZ\x90\x00\x03\x00\x00\x00" + uuid.uuid4().bytes,
    "binary with NUL": lambda: b"hello\x00world" + uuid.uuid4().bytes,
    "empty": lambda: b"",
}


def upload(caller: Caller, patient_id: str, content: bytes, filename: str = "file.bin",
           declared: str = "application/octet-stream", **form: str) -> requests.Response:
    fields = {"patient_id": patient_id, "kind": "lab_result", "title": "Labs", **form}
    return caller.post("/documents", data=fields, files={"file": (filename, content, declared)})


def created(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["success"] is True
    return body["data"]


def blob_dir(server: ServerProcess) -> Path:
    return Path(server.data_dir) / "blobs"


@pytest.fixture
def admin(server: ServerProcess) -> Caller:
    return register_practice(server.api, "documents")


@pytest.mark.parametrize("content_type", sorted(SAMPLES))
def test_accepted_types_round_trip_byte_exact_with_the_sniffed_type(
        admin: Caller, server: ServerProcess, content_type: str) -> None:
    patient = create_patient(admin)
    content = SAMPLES[content_type](uuid.uuid4().hex.encode())
    # The declared type is a lie on purpose: only the bytes decide.
    document = created(upload(admin, patient["id"], content, "upload.dat", "application/x-msdownload",
                              kind="imaging", title="Scan"))
    digest = hashlib.sha256(content).hexdigest()
    assert (document["content_type"], document["sha256"], document["size_bytes"]) == (content_type, digest, len(content))
    assert (document["patient_id"], document["kind"], document["title"]) == (patient["id"], "imaging", "Scan")
    assert document["uploaded_by"] == admin.id and document["content_url"] == f"/api/v1/documents/{document['id']}/content"
    fetched = admin.get(f"/documents/{document['id']}/content")
    assert fetched.status_code == 200 and fetched.content == content
    assert fetched.headers["Content-Type"] == content_type
    assert fetched.headers["X-Content-Type-Options"] == "nosniff"
    assert [path.read_bytes() for path in stored_blobs(server.data_dir, digest)] == [content]
    meta = admin.get(f"/documents/{document['id']}")
    assert meta.status_code == 200 and meta.json()["data"] == document


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_executables_archives_and_binaries_are_415(admin: Caller, server: ServerProcess, kind: str) -> None:
    patient = create_patient(admin)
    content = REFUSED[kind]()
    response = upload(admin, patient["id"], content, "report.pdf", "application/pdf")
    error = assert_error(response, 415, "unsupported_media_type")
    assert error["message"] == "documents must be PDF, PNG, JPEG or plain text"
    listed = admin.get("/documents", params={"patient_id": patient["id"]})
    assert listed.status_code == 200 and listed.json()["data"] == []
    if content:
        assert stored_blobs(server.data_dir, hashlib.sha256(content).hexdigest()) == []
        leftovers = [p for p in blob_dir(server).rglob("*") if p.is_file() and p.read_bytes() == content]
        assert leftovers == []


def test_zip_signature_is_refused_even_without_nul_bytes(admin: Caller) -> None:
    patient = create_patient(admin)
    response = upload(admin, patient["id"], b"PK\x03\x04\x14\x01\x01\x01payload" + uuid.uuid4().hex.encode())
    assert_error(response, 415, "unsupported_media_type")


def test_a_path_like_filename_never_becomes_a_path(admin: Caller, server: ServerProcess) -> None:
    patient = create_patient(admin)
    content = b"root:x:0:0 not really " + uuid.uuid4().hex.encode()
    document = created(upload(admin, patient["id"], content, "../../etc/passwd", "text/plain"))
    digest = hashlib.sha256(content).hexdigest()
    assert document["sha256"] == digest and "passwd" not in str(document)
    stored = [p for p in Path(server.data_dir).rglob("*") if p.is_file() and p.read_bytes() == content]
    assert len(stored) == 1 and stored == stored_blobs(server.data_dir, digest)
    assert list(Path(server.data_dir).parent.rglob("passwd")) == []
    assert admin.get(f"/documents/{document['id']}/content").content == content


def test_list_by_patient_then_delete(admin: Caller, server: ServerProcess) -> None:
    patient, other_patient = create_patient(admin), create_patient(admin)
    first = created(upload(admin, patient["id"], SAMPLES["text/plain"](b"1" + uuid.uuid4().bytes.hex().encode())))
    second = created(upload(admin, patient["id"], SAMPLES["application/pdf"](uuid.uuid4().hex.encode()),
                            kind="referral", title="Referral"))
    elsewhere = created(upload(admin, other_patient["id"], SAMPLES["image/png"](uuid.uuid4().hex.encode())))
    listed = admin.get("/documents", params={"patient_id": patient["id"]})
    assert listed.status_code == 200
    assert [d["id"] for d in listed.json()["data"]] == [second["id"], first["id"]]  # newest first
    assert listed.json()["meta"]["pagination"] == {"page": 1, "per_page": 20, "total": 2, "total_pages": 1}
    assert [d["id"] for d in admin.get("/documents", params={"patient_id": other_patient["id"]}).json()["data"]] == [
        elsewhere["id"]]
    assert_error(admin.get("/documents"), 400, "validation_error")
    deleted = admin.delete(f"/documents/{first['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    for response in (admin.get(f"/documents/{first['id']}"), admin.get(f"/documents/{first['id']}/content"),
                     admin.delete(f"/documents/{first['id']}")):
        assert_error(response, 404, "not_found")
    assert stored_blobs(server.data_dir, first["sha256"]) == []
    after = admin.get("/documents", params={"patient_id": patient["id"]}).json()
    assert [d["id"] for d in after["data"]] == [second["id"]] and after["meta"]["pagination"]["total"] == 1
    assert admin.get(f"/documents/{second['id']}/content").status_code == 200


def test_deleting_a_document_keeps_identical_content_of_others(admin: Caller, server: ServerProcess) -> None:
    other_practice = register_practice(server.api, "documents-other")
    content = SAMPLES["application/pdf"](uuid.uuid4().hex.encode())
    mine = created(upload(admin, create_patient(admin)["id"], content))
    theirs = created(upload(other_practice, create_patient(other_practice)["id"], content))
    assert len(stored_blobs(server.data_dir, mine["sha256"])) == 2  # one file per upload, never shared (D26)
    assert other_practice.delete(f"/documents/{theirs['id']}").status_code == 204
    assert len(stored_blobs(server.data_dir, mine["sha256"])) == 1
    fetched = admin.get(f"/documents/{mine['id']}/content")
    assert fetched.status_code == 200 and fetched.content == content
