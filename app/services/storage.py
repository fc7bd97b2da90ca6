"""Where attached files are kept: one small interface, a local folder or an S3-compatible bucket.

Web servers write the files and workers read them back (to take their text out), so with
several machines the folder must be shared storage, or the bucket used. Keys are random
names made by the platform; nothing a sender typed becomes part of a path or a key.
"""

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app

EXTENSION = "file_storage"
CHUNK = 256 * 1024
KEY = re.compile(r"^[a-f0-9]{32}$")


class StoredFileMissing(Exception):
    """The storage holds nothing under this key."""


class StorageUnavailable(OSError):
    """The storage does not answer just now (a bucket unreachable, a disk failing).

    An OSError, so background tasks retry it as they retry any passing I/O failure.
    """


class FileStorage(Protocol):
    """What the services need of a place to keep files."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Keep `data` under `key`, whole or not at all."""

    def get(self, key: str) -> bytes:
        """The bytes kept under `key`; StoredFileMissing when there are none."""

    def stream(self, key: str) -> Iterator[bytes]:
        """The bytes kept under `key`, in chunks, for a download."""

    def delete(self, key: str) -> None:
        """Remove what is kept under `key` (nothing there is not an error)."""


def _checked(key: str) -> str:
    if not KEY.match(key):
        raise ValueError("a storage key is 32 hexadecimal characters")
    return key


class LocalStorage:
    """Files in a folder, two levels of sub-folders deep so no folder grows too large."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        key = _checked(key)
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside then renamed: a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise StoredFileMissing(key) from None
        except OSError as error:
            raise StorageUnavailable(f"reading {key}: {error}") from error

    def stream(self, key: str) -> Iterator[bytes]:
        try:
            handle = self._path(key).open("rb")
        except FileNotFoundError:
            raise StoredFileMissing(key) from None
        except OSError as error:
            raise StorageUnavailable(f"reading {key}: {error}") from error

        def chunks() -> Iterator[bytes]:
            with handle:
                while chunk := handle.read(CHUNK):
                    yield chunk

        return chunks()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Storage:
    """Objects in an S3-compatible bucket (AWS S3, MinIO, Ceph, Garage…), through boto3."""

    def __init__(self, bucket: str, prefix: str = "", endpoint: str = "", region: str = "") -> None:
        import boto3  # loaded only when a bucket is configured
        from botocore.config import Config

        self.bucket, self.prefix = bucket, prefix
        # A bucket that does not answer must fail a page in seconds, not hold it for minutes.
        config = Config(
            connect_timeout=5, read_timeout=30, retries={"mode": "standard", "max_attempts": 3}
        )
        self.client = boto3.client(
            "s3", endpoint_url=endpoint or None, region_name=region or None, config=config
        )

    def _key(self, key: str) -> str:
        return f"{self.prefix}{_checked(key)}"

    @contextmanager
    def _answering(self, key: str) -> Iterator[None]:
        """boto3's errors as the storage's: a missing object, or a bucket not answering."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                raise StoredFileMissing(key) from None
            raise StorageUnavailable(f"bucket {self.bucket}, {key}: {error}") from error
        except BotoCoreError as error:
            raise StorageUnavailable(f"bucket {self.bucket}, {key}: {error}") from error

    def put(self, key: str, data: bytes, content_type: str) -> None:
        with self._answering(key):
            self.client.put_object(
                Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type
            )

    def _object(self, key: str) -> dict:
        with self._answering(key):
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))

    def get(self, key: str) -> bytes:
        body = self._object(key)["Body"]
        with self._answering(key), body:
            return body.read()

    def stream(self, key: str) -> Iterator[bytes]:
        body = self._object(key)["Body"]

        def chunks() -> Iterator[bytes]:
            try:
                yield from body.iter_chunks(CHUNK)
            finally:
                body.close()

        return chunks()

    def delete(self, key: str) -> None:
        with self._answering(key):
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))


def from_config(config: dict) -> FileStorage:
    """The storage the settings ask for: the bucket when one is named, else the folder."""
    if config.get("ATTACHMENT_S3_BUCKET"):
        return S3Storage(
            config["ATTACHMENT_S3_BUCKET"],
            config.get("ATTACHMENT_S3_PREFIX", ""),
            config.get("ATTACHMENT_S3_ENDPOINT", ""),
            config.get("ATTACHMENT_S3_REGION", ""),
        )
    folder = config.get("ATTACHMENT_FOLDER") or Path(config["INSTANCE_DIR"]) / "attachments"
    return LocalStorage(Path(folder))


def register(app: Flask, storage: FileStorage) -> None:
    """Bind a storage for this app in place of the one its settings describe."""
    app.extensions[EXTENSION] = storage


def storage() -> FileStorage:
    """The storage of the current app, built from its settings on first use."""
    found = current_app.extensions.get(EXTENSION)
    if found is None:
        found = current_app.extensions[EXTENSION] = from_config(current_app.config)
    return found
