"""Where files are kept: Django's storage API, and nothing else.

Every stored file (uploads, job results, papers) is a FileField on the default storage,
which settings.STORAGES names (config/settings/storage.py reads the environment): on a
laptop the folder MEDIA_ROOT, in a hosted installation an S3-compatible object store that
every web and worker process reaches alike. So no code may ask a storage for a local
path or open MEDIA_ROOT itself; it opens, saves, lists and deletes through the storage.
A file a person downloads is streamed from the storage by a view that checked their
permission first, never handed out as a bucket's address.
"""
import os
from collections.abc import Iterator

from django.core.files.storage import FileSystemStorage, Storage


class LocalStorage(FileSystemStorage):
    """The `make run` default: files under MEDIA_ROOT.

    Each upload, job and paper version has a folder of its own (see the models'
    upload_to), so deleting its file also removes that folder once it is empty, which is
    what an object store, having no folders, does by itself."""

    def delete(self, name: str) -> None:
        super().delete(name)
        folder = os.path.dirname(self.path(name))
        if os.path.abspath(folder) != os.path.abspath(self.location):
            try:
                os.rmdir(folder)
            except OSError:
                pass  # not empty, or already gone


def stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """The name of every file in `storage` under `folder`, in a stable order."""
    folders, files = storage.listdir(folder)
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from stored_names(storage, f"{folder}/{sub}" if folder else sub)


def storage_is_empty(storage: Storage) -> bool:
    try:
        folders, files = storage.listdir("")
    except FileNotFoundError:  # a local folder not made yet
        return True
    return not folders and not files
