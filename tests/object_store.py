"""Real object stores for the tests, on the loopback, which the test process and any worker
process it starts reach over HTTP, as a hosted installation's processes reach its store:
an S3-compatible server (moto in server mode) and Azure Blob Storage (Azurite, Microsoft's
own emulator, from node_modules).

`object_store` runs its test once on each: it points the default storage at a fresh bucket
(or container) of its own for the test and gives the environment (`env`) a worker process
needs to use the same one."""
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from config.settings.storage import default_storage_from
from tests.servers import free_port, wait_until_listening

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "insource-test", "AWS_SECRET_ACCESS_KEY": "insource-test-secret",
               "AWS_DEFAULT_REGION": "eu-west-2"}


# Azurite's development account: its well-known name and key, published by Microsoft for
# the emulator (they open nothing else).
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
AZURITE = Path(__file__).resolve().parents[1] / "node_modules" / ".bin" / "azurite-blob"


@dataclass
class ObjectStore:
    """An S3 bucket on the moto server."""
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


@dataclass
class AzureContainer:
    """A container on the Azurite server."""
    connection_string: str
    container: str
    env: dict

    def client(self):
        from azure.storage.blob import BlobServiceClient

        return BlobServiceClient.from_connection_string(self.connection_string).get_container_client(self.container)

    def keys(self) -> list[str]:
        return sorted(blob.name for blob in self.client().list_blobs())

    def read(self, key: str) -> bytes:
        return self.client().download_blob(key).readall()


@pytest.fixture(scope="session")
def azurite_endpoint(tmp_path_factory):
    """Azurite's blob service on a free port: the connection string that reaches it."""
    if not AZURITE.exists():
        pytest.fail(f"{AZURITE} is missing: `make install` installs the npm packages, Azurite among them.")
    port = free_port()
    log = tmp_path_factory.mktemp("azurite") / "azurite.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(AZURITE), "--blobHost", "127.0.0.1", "--blobPort", str(port), "--inMemoryPersistence",
             "--disableTelemetry", "--skipApiVersionCheck", "--silent"],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_listening(port, server, log, "Azurite")
        yield (f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};"
               f"BlobEndpoint=http://127.0.0.1:{port}/{AZURITE_ACCOUNT};")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="session")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(params=["s3", "azure"])
def object_store(request, settings, monkeypatch, tmp_path) -> ObjectStore | AzureContainer:
    """The default storage on a new bucket of the moto server, or a new container of
    Azurite (and MEDIA_ROOT an empty folder, so a test can tell that nothing was written to
    a disk)."""
    settings.MEDIA_ROOT = tmp_path / "no-media"
    if request.param == "azure":
        connection_string = request.getfixturevalue("azurite_endpoint")
        container = f"insource-{uuid.uuid4().hex[:12]}"
        env = {"INSOURCE_STORAGE": "azure", "INSOURCE_AZURE_CONTAINER": container,
               "INSOURCE_AZURE_CONNECTION_STRING": connection_string}
        store = AzureContainer(connection_string, container, env)
        store.client().create_container()
        settings.STORAGES = {**settings.STORAGES, "default": default_storage_from(env)}
        yield store
        return
    s3_endpoint = request.getfixturevalue("s3_endpoint")
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    bucket = f"insource-{uuid.uuid4().hex[:12]}"
    env = {**CREDENTIALS, "INSOURCE_STORAGE": "s3", "INSOURCE_S3_BUCKET": bucket,
           "INSOURCE_S3_ENDPOINT_URL": s3_endpoint, "INSOURCE_S3_REGION": CREDENTIALS["AWS_DEFAULT_REGION"]}
    store = ObjectStore(s3_endpoint, bucket, env)
    store.client().create_bucket(Bucket=bucket, CreateBucketConfiguration={
        "LocationConstraint": CREDENTIALS["AWS_DEFAULT_REGION"]})
    settings.STORAGES = {**settings.STORAGES, "default": default_storage_from(env)}
    yield store
