"""Which storage keeps the files (settings.STORAGES["default"]), from the environment.

INSOURCE_STORAGE=filesystem (the default, for `make run`): the folder MEDIA_ROOT, which
only the processes of one machine can share.
INSOURCE_STORAGE=s3: a bucket of an S3-compatible object store (AWS S3, MinIO, Ceph...)
through django-storages, which every web and worker process on any host reaches alike.
The bucket stays private: files are read back through the app's own views, which check
permissions, never through a bucket address. The credentials are boto3's own
(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the host's role).
INSOURCE_STORAGE=azure: a container of an Azure Blob Storage account, likewise private and
shared by every process. The account is named by INSOURCE_AZURE_CONNECTION_STRING (the
portal's connection string, which holds the account's key), or by INSOURCE_AZURE_ACCOUNT_NAME
with INSOURCE_AZURE_ACCOUNT_KEY, or with INSOURCE_AZURE_SAS_TOKEN.
"""
from django.core.exceptions import ImproperlyConfigured

# A downloaded file is held in memory up to this size and spills to a temporary file
# beyond it, so a large paper or upload never sits whole in a process's memory.
S3_MEMORY_BYTES = 8 * 1024 * 1024
KINDS = "filesystem (files in MEDIA_ROOT), s3 (an S3-compatible object store) or azure (Azure Blob Storage)"


def default_storage_from(environ) -> dict:
    """The STORAGES["default"] entry the environment asks for."""
    kind = environ.get("INSOURCE_STORAGE", "filesystem").strip().lower() or "filesystem"
    if kind == "filesystem":
        return {"BACKEND": "core.storage.LocalStorage"}
    if kind == "azure":
        return _azure(environ)
    if kind != "s3":
        raise ImproperlyConfigured(f"INSOURCE_STORAGE is {kind!r}: set it to {KINDS}.")
    bucket = environ.get("INSOURCE_S3_BUCKET", "").strip()
    if not bucket:
        raise ImproperlyConfigured("INSOURCE_STORAGE=s3 needs INSOURCE_S3_BUCKET, the bucket's name.")
    endpoint = environ.get("INSOURCE_S3_ENDPOINT_URL", "").strip() or None
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": environ.get("INSOURCE_S3_REGION", "").strip() or None,
        "location": environ.get("INSOURCE_S3_PREFIX", "").strip().strip("/"),
        # Files keep the names the app gives them: an existing name gets a new one, as on a
        # disk (django-storages would otherwise overwrite, and the job code relies on not).
        "file_overwrite": False,
        "default_acl": None,  # private, as the bucket is
        "querystring_auth": True,
        "max_memory_size": S3_MEMORY_BYTES,
        "signature_version": "s3v4",
        # A store of one's own (MinIO, a test server) is addressed by path, not by a host
        # name per bucket.
        "addressing_style": "path" if endpoint else None,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def _azure(environ) -> dict:
    def value(name: str) -> str | None:
        return environ.get(f"INSOURCE_AZURE_{name}", "").strip() or None

    container = value("CONTAINER")
    if not container:
        raise ImproperlyConfigured("INSOURCE_STORAGE=azure needs INSOURCE_AZURE_CONTAINER, the container's name.")
    connection_string, account = value("CONNECTION_STRING"), value("ACCOUNT_NAME")
    if not connection_string and not (account and (value("ACCOUNT_KEY") or value("SAS_TOKEN"))):
        raise ImproperlyConfigured(
            "INSOURCE_STORAGE=azure needs INSOURCE_AZURE_CONNECTION_STRING, or INSOURCE_AZURE_ACCOUNT_NAME "
            "with INSOURCE_AZURE_ACCOUNT_KEY or INSOURCE_AZURE_SAS_TOKEN.")
    options = {
        "azure_container": container,
        "connection_string": connection_string,
        "account_name": account,
        "account_key": value("ACCOUNT_KEY"),
        "sas_token": value("SAS_TOKEN"),
        "location": (value("PREFIX") or "").strip("/"),
        # As on S3: an existing name gets a new one, never overwritten.
        "overwrite_files": False,
        "max_memory_size": S3_MEMORY_BYTES,
        # Addresses of files are only ever made by the app's own views, for a short while.
        "expiration_secs": 300,
    }
    return {"BACKEND": "storages.backends.azure_storage.AzureStorage",
            "OPTIONS": {k: v for k, v in options.items() if v is not None}}
