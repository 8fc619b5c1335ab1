"""A real S3-compatible server for the tests: moto in server mode on the loopback, which
the test process and any worker process it starts reach over HTTP, as a hosted
installation's processes reach its object store.

`object_store` points the default storage at a fresh bucket of its own for one test and
gives the environment (`env`) a worker process needs to use the same bucket."""
import socket
import uuid
from dataclasses import dataclass

import boto3
import pytest

from config.settings.storage import default_storage_from

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "insource-test", "AWS_SECRET_ACCESS_KEY": "insource-test-secret",
               "AWS_DEFAULT_REGION": "eu-west-2"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ObjectStore:
    endpoint: str
    bucket: str
    env: dict

    def client(self):
        return boto3.client("s3", endpoint_url=self.endpoint, region_name=CREDENTIALS["AWS_DEFAULT_REGION"],
                            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"])

    def keys(self) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=self.bucket)
        return sorted(o["Key"] for o in listed.get("Contents", ()))

    def read(self, key: str) -> bytes:
        return self.client().get_object(Bucket=self.bucket, Key=key)["Body"].read()


@pytest.fixture(scope="session")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def object_store(s3_endpoint, settings, monkeypatch, tmp_path) -> ObjectStore:
    """The default storage on a new bucket of the moto server (and MEDIA_ROOT an empty
    folder, so a test can tell that nothing was written to a disk)."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    bucket = f"insource-{uuid.uuid4().hex[:12]}"
    env = {**CREDENTIALS, "INSOURCE_STORAGE": "s3", "INSOURCE_S3_BUCKET": bucket,
           "INSOURCE_S3_ENDPOINT_URL": s3_endpoint, "INSOURCE_S3_REGION": CREDENTIALS["AWS_DEFAULT_REGION"]}
    store = ObjectStore(s3_endpoint, bucket, env)
    store.client().create_bucket(Bucket=bucket, CreateBucketConfiguration={
        "LocationConstraint": CREDENTIALS["AWS_DEFAULT_REGION"]})
    settings.MEDIA_ROOT = tmp_path / "no-media"
    settings.STORAGES = {**settings.STORAGES, "default": default_storage_from(env)}
    yield store
