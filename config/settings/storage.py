"""Which storage keeps the files (settings.STORAGES["default"]), from the environment.

INSOURCE_STORAGE=filesystem (the default, for `make run`): the folder MEDIA_ROOT, which
only the processes of one machine can share.
INSOURCE_STORAGE=s3: a bucket of an S3-compatible object store (AWS S3, MinIO, Ceph...)
through django-storages, which every web and worker process on any host reaches alike.
The bucket stays private: files are read back through the app's own views, which check
permissions, never through a bucket address. The credentials are boto3's own
(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the host's role).
"""
from django.core.exceptions import ImproperlyConfigured

# A downloaded file is held in memory up to this size and spills to a temporary file
# beyond it, so a large paper or upload never sits whole in a process's memory.
S3_MEMORY_BYTES = 8 * 1024 * 1024


def default_storage_from(environ) -> dict:
    """The STORAGES["default"] entry the environment asks for."""
    kind = environ.get("INSOURCE_STORAGE", "filesystem").strip().lower() or "filesystem"
    if kind == "filesystem":
        return {"BACKEND": "core.storage.LocalStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(
            f"INSOURCE_STORAGE is {kind!r}: set it to filesystem (files in MEDIA_ROOT) or s3 (an "
            "S3-compatible object store).")
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
