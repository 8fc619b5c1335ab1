"""Files on an object store: a real S3-compatible server (moto) and a real Azure Blob
Storage emulator (Azurite), tests/object_store.py, each in turn hold everything the app
stores, and nothing is written to a disk.

Here the "worker" is the job runner in this process (tasks run in-process); the same
journeys through a real Celery worker process are in tests/test_worker_object_store.py.
"""
import uuid
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from storages.backends.azure_storage import AzureStorage
from storages.backends.s3 import S3Storage

from business_cases.models import PaperVersion
from business_cases.papers import paper_generate
from config.settings.storage import default_storage_from
from core.backups import BackupError, media_archive, media_hashes, media_unarchive
from core.housekeeping import uploads_purge_abandoned
from core.models import Job, Upload
from core.storage import LocalStorage
from finance.models import LedgerTransaction
from tests.business_cases.conftest import soc_ready  # noqa: F401 - the fixture
from tests.business_cases.test_permissions import make_paper
from tests.factories import UserFactory
from tests.finance.conftest import good_rows, make_budget, xlsx
from tests.object_store import azurite_endpoint, object_store, s3_endpoint  # noqa: F401 - the fixtures

pytestmark = pytest.mark.django_db

MAPPING = {"map-transaction_date": "Transaction date", "map-cost_centre": "Cost centre", "map-account_code": "Account",
           "map-amount": "Amount", "map-reference": "Reference"}


def test_the_environment_chooses_the_storage():
    assert default_storage_from({}) == {"BACKEND": "core.storage.LocalStorage"}
    assert default_storage_from({"INSOURCE_STORAGE": "filesystem"})["BACKEND"] == "core.storage.LocalStorage"
    s3 = default_storage_from({"INSOURCE_STORAGE": "S3", "INSOURCE_S3_BUCKET": "council-files",
                               "INSOURCE_S3_PREFIX": "/insource/"})
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"]["bucket_name"] == "council-files" and s3["OPTIONS"]["location"] == "insource"
    assert s3["OPTIONS"]["file_overwrite"] is False and s3["OPTIONS"]["default_acl"] is None
    assert s3["OPTIONS"]["endpoint_url"] is None and s3["OPTIONS"]["addressing_style"] is None
    with pytest.raises(ImproperlyConfigured, match="INSOURCE_S3_BUCKET"):
        default_storage_from({"INSOURCE_STORAGE": "s3"})
    with pytest.raises(ImproperlyConfigured, match="filesystem .* or azure"):
        default_storage_from({"INSOURCE_STORAGE": "ftp"})
    azure = default_storage_from({"INSOURCE_STORAGE": "azure", "INSOURCE_AZURE_CONTAINER": "council-files",
                                  "INSOURCE_AZURE_ACCOUNT_NAME": "councilfiles", "INSOURCE_AZURE_ACCOUNT_KEY": "a2V5",
                                  "INSOURCE_AZURE_PREFIX": "/insource/"})
    assert azure["BACKEND"] == "storages.backends.azure_storage.AzureStorage"
    assert azure["OPTIONS"] == {"azure_container": "council-files", "account_name": "councilfiles",
                                "account_key": "a2V5", "location": "insource", "overwrite_files": False,
                                "max_memory_size": 8 * 1024 * 1024, "expiration_secs": 300}
    with pytest.raises(ImproperlyConfigured, match="INSOURCE_AZURE_CONTAINER"):
        default_storage_from({"INSOURCE_STORAGE": "azure", "INSOURCE_AZURE_CONNECTION_STRING": "x"})
    with pytest.raises(ImproperlyConfigured, match="INSOURCE_AZURE_ACCOUNT_KEY"):
        default_storage_from({"INSOURCE_STORAGE": "azure", "INSOURCE_AZURE_CONTAINER": "c",
                              "INSOURCE_AZURE_ACCOUNT_NAME": "councilfiles"})


def test_a_stored_name_is_never_overwritten(object_store, settings):  # noqa: F811
    assert isinstance(storages["default"], S3Storage if object_store.env["INSOURCE_STORAGE"] == "s3" else AzureStorage)
    first = default_storage.save("jobs/1/result.txt", ContentFile(b"first"))
    second = default_storage.save("jobs/1/result.txt", ContentFile(b"second"))
    assert first == "jobs/1/result.txt" and second != first
    assert object_store.read(first) == b"first" and object_store.read(second) == b"second"
    assert not settings.MEDIA_ROOT.exists()


def test_an_upload_received_by_the_web_process_is_loaded_by_the_commit_job(
        object_store, cast, settings, monkeypatch, django_capture_on_commit_callbacks):  # noqa: F811
    make_budget(cast.programme, cast.workstream)
    monkeypatch.setattr("finance.services.LEDGER_JOB_THRESHOLD", 2)  # so the commit is a job
    client = cast.client("finance")
    data = xlsx(good_rows(3))
    response = client.post(reverse("finance:ledger_upload", args=["home"]),
                           {"file": SimpleUploadedFile("ledger.xlsx", data)})
    assert response.status_code == 302, response.content.decode()[:2000]
    upload = Upload.objects.get()
    assert object_store.keys() == [upload.file.name]
    assert object_store.read(upload.file.name) == data
    assert client.post(reverse("finance:ledger_mapping", args=["home", upload.pk]), MAPPING).status_code == 302

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("finance:ledger_commit", args=["home", upload.pk]))
    job = Job.objects.get()
    assert response["Location"] == reverse("finance:ledger_job", args=["home", job.uuid])
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert LedgerTransaction.objects.filter(programme=cast.programme).count() == 3
    # The job's own result went to the store too, and nothing to a disk.
    assert job.result_file.name in object_store.keys()
    assert not settings.MEDIA_ROOT.exists()


def test_a_paper_made_by_the_job_is_downloaded_through_the_web_process(
        object_store, soc_ready, settings, django_capture_on_commit_callbacks):  # noqa: F811
    pm = soc_ready.users["pm"]
    paper = make_paper(soc_ready.programme, pm)
    with django_capture_on_commit_callbacks(execute=True):
        job, _ = paper_generate(paper=paper, user=pm, request_id=uuid.uuid4().hex, today=timezone.localdate())
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    version = PaperVersion.objects.get(paper=paper)
    assert object_store.keys() == sorted([version.pdf.name, version.docx.name, version.source.name])

    client = soc_ready.client("director")
    for fmt, field in (("pdf", version.pdf), ("docx", version.docx)):
        download = client.get(reverse("business_cases:paper_download", args=["home", paper.pk, 1, fmt]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == object_store.read(field.name)
    assert not settings.MEDIA_ROOT.exists()


def test_an_abandoned_upload_is_removed_from_the_store(object_store, db, django_capture_on_commit_callbacks):  # noqa: F811
    owner = UserFactory(username="owner")
    upload = Upload(target_type=ContentType.objects.get_for_model(owner), target_id=owner.pk, kind="tests.sheet",
                    original_name="old.csv", sha256="0" * 64, size=4, status=Upload.Status.PREVIEWED)
    upload.file.save("old.csv", ContentFile(b"a,b\n"), save=False)
    upload.save()
    Upload.objects.filter(pk=upload.pk).update(uploaded_at=timezone.now() - timedelta(days=400))
    assert object_store.keys() == [upload.file.name]
    with django_capture_on_commit_callbacks(execute=True):
        assert uploads_purge_abandoned(older_than_days=7) == 1
    assert object_store.keys() == []


def test_the_backup_archive_carries_every_stored_file_into_an_empty_store(object_store, tmp_path):  # noqa: F811
    for name, content in (("uploads/1/ledger.csv", b"a,b\n1,2\n"), ("papers/3/v1/paper.pdf", b"%PDF-1.7 x"),
                          ("jobs/9/plan.pdf", b"%PDF-1.7 y")):
        default_storage.save(name, ContentFile(content))
    hashes = media_archive(tmp_path / "media.tar.gz")
    assert hashes == media_hashes() and sorted(hashes) == object_store.keys()

    elsewhere = LocalStorage(location=tmp_path / "restored")
    assert media_unarchive(tmp_path / "media.tar.gz", elsewhere) == 3
    assert media_hashes(elsewhere) == hashes
    # Into a store that already holds them, a file would be saved under another name.
    with pytest.raises(BackupError, match="restore into an empty store"):
        media_unarchive(tmp_path / "media.tar.gz", elsewhere)


APPS = ("core", "programmes", "workforce", "risks", "finance", "business_cases")
FILE_FIELDS = {"file", "result_file", "pdf", "docx", "public_pdf", "public_docx", "storage", "default_storage"}


def test_no_code_asks_for_a_local_path_or_opens_media_root():
    """An object store has no local paths: code that asked for one (`storage.path`,
    `upload.file.path`) or opened MEDIA_ROOT would work on a laptop and fail when hosted."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    found = []
    for app in APPS:
        for source in (root / app).rglob("*.py"):
            if "migrations" in source.parts:
                continue
            for node in ast.walk(ast.parse(source.read_text(), str(source))):
                if not isinstance(node, ast.Attribute):
                    continue
                owner = node.value
                owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
                if (node.attr == "path" and owner_name in FILE_FIELDS) or node.attr == "MEDIA_ROOT":
                    found.append(f"{source.relative_to(root)}:{node.lineno} {owner_name}.{node.attr}")
    assert found == []
