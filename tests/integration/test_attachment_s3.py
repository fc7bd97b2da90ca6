"""Attachments kept in an S3-compatible bucket: moto's S3 server answers the real HTTP API on
a local port (an emulator, not AWS), and the app talks to it through boto3 as in production."""

import urllib.request

import boto3
import pytest
import sqlalchemy as sa
from moto.server import ThreadedMotoServer

from app.models import Attachment, Organisation
from app.services.feedback import attachments
from app.services.mail import outbox
from app.services.storage import S3Storage, StorageUnavailable, storage
from tests import attachment_files as files
from tests.conftest import make_user
from tests.feedback.test_attachments import consultation, upload  # noqa: F401 - a fixture

BUCKET = "agora-files"
PREFIX = "attachments/"
REGION = "eu-west-3"


@pytest.fixture
def s3_server(monkeypatch):
    """moto's S3 server on a free local port, emptied, with dummy credentials for boto3."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    # No machine-wide AWS configuration may point the client elsewhere.
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
    server = Server()
    server.start(port=0)
    # moto keeps its buckets in this process: start each test from an empty store.
    urllib.request.urlopen(urllib.request.Request(f"{server.endpoint}/moto-api/reset", b""))
    yield server
    server.stop()


class Server:
    """A ThreadedMotoServer that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        self.running: ThreadedMotoServer | None = None
        self.endpoint = ""

    def start(self, port: int) -> None:
        self.running = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self.running.start()
        host, port = self.running.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"

    def stop(self) -> None:
        if self.running is not None:
            self.running.stop()
            self.running = None


@pytest.fixture
def s3_endpoint(s3_server) -> str:
    """The server's address, with the bucket the app is set to use."""
    bucket_client(s3_server.endpoint).create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    return s3_server.endpoint


def bucket_client(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint, region_name=REGION)


def keys_in_bucket(endpoint: str) -> list[str]:
    listed = bucket_client(endpoint).list_objects_v2(Bucket=BUCKET)
    return [item["Key"] for item in listed.get("Contents", [])]


@pytest.fixture
def app_settings(s3_endpoint) -> dict:
    return {
        "ATTACHMENT_S3_BUCKET": BUCKET,
        "ATTACHMENT_S3_ENDPOINT": s3_endpoint,
        "ATTACHMENT_S3_REGION": REGION,
        "ATTACHMENT_S3_PREFIX": PREFIX,
    }


@pytest.fixture
def bucket_reads(app) -> list[str]:
    """The keys the app reads from the bucket (GetObject calls made by its storage)."""
    kept = storage()
    assert isinstance(kept, S3Storage)
    reads: list[str] = []

    def record(params: dict, model, **_) -> None:
        if model.name == "GetObject":
            reads.append(params["Key"])

    kept.client.meta.events.register("provide-client-params.s3.GetObject", record)
    return reads


def test_a_partners_file_lives_in_the_bucket_from_upload_to_removal(
    client,
    auth,
    users,
    consultation,  # noqa: F811 - the fixture imported above
    db,
    s3_endpoint,
    bucket_reads,
):
    auth.login("partner@unicef.example.org")
    response = upload(client, consultation, ("position paper.pdf", files.pdf()))
    assert response.status_code == 302
    attachment = db.session.scalar(sa.select(Attachment))

    # Kept under the prefix with a random name; nothing the sender typed is in the key.
    key = f"{PREFIX}{attachment.storage_key}"
    assert keys_in_bucket(s3_endpoint) == [key]
    assert "paper" not in key
    stored = bucket_client(s3_endpoint).get_object(Bucket=BUCKET, Key=key)
    assert stored["Body"].read() == files.pdf()
    assert stored["ContentType"] == "application/pdf"

    # The text for the synthesis was read back from the bucket (eager task in tests).
    assert bucket_reads == [key]
    assert attachment.text_status == "done" and "every child" in attachment.text

    download = client.get(f"/attachments/{attachment.id}")
    assert download.status_code == 200
    assert download.data == files.pdf()
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "position%20paper.pdf" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "no-store"
    auth.logout()

    fao = db.session.scalar(sa.select(Organisation).where(Organisation.name == "FAO"))
    make_user(db, "partner@fao.example.org", "partner", fao)
    auth.login("partner@fao.example.org")
    assert client.get(f"/attachments/{attachment.id}").status_code == 404
    auth.logout()

    auth.login("partner@unicef.example.org")
    url = f"/consultations/{consultation.slug}/respond/files/{attachment.id}/delete"
    page = client.post(url, data={"confirmed": "yes"}, follow_redirects=True)
    assert "File removed: position paper.pdf." in page.get_data(as_text=True)
    assert keys_in_bucket(s3_endpoint) == []
    assert client.get(f"/attachments/{attachment.id}").status_code == 404


def test_a_bucket_that_does_not_answer_is_a_clear_error_and_the_text_is_read_once_it_does(
    client,
    auth,
    users,
    consultation,  # noqa: F811 - the fixture imported above
    db,
    s3_server,
    s3_endpoint,
):
    auth.login("partner@unicef.example.org")
    upload(client, consultation, ("paper.pdf", files.pdf()))
    attachment = db.session.scalar(sa.select(Attachment))
    port = int(s3_endpoint.rsplit(":", 1)[1])
    s3_server.stop()

    download = client.get(f"/attachments/{attachment.id}")
    assert download.status_code == 503
    assert "This file cannot be fetched just now." in download.get_data(as_text=True)
    page = upload(client, consultation, ("annex.pdf", files.pdf()))
    assert "The file could not be stored just now." in page.get_data(as_text=True)

    # Reading the text again while the bucket is away leaves the work to be done, not failed.
    message = outbox.enqueue(attachments.EXTRACT_TASK, attachment_id=attachment.id)
    db.session.commit()
    with pytest.raises(StorageUnavailable):
        attachments.extract_text(message.id)
    db.session.rollback()
    assert db.session.get(type(message), message.id).done_at is None
    assert db.session.get(Attachment, attachment.id).text_status == "done"

    s3_server.start(port=port)  # moto kept the bucket: the same store answers again
    attachments.extract_text(message.id)
    assert db.session.get(type(message), message.id).done_at is not None
    assert client.get(f"/attachments/{attachment.id}").data == files.pdf()
