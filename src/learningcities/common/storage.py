"""Private file storage: outside every publicly served path.

The storage is the ``"private"`` alias of ``settings.STORAGES``: by default a
folder (``LC_PRIVATE_ROOT``, default ``$LC_DATA_DIR/private``), or a bucket of
an S3-compatible store when ``LC_S3_BUCKET`` is set (``storage_s3.PrivateS3Storage``,
django-storages, private ACLs). Files are only ever served by the documents view,
which applies the permission rules and reads them with ``storage.open()``.
"""

from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder whose files have no URL: asking for one is a programming error."""

    def url(self, name):
        raise ValueError("Private files have no public URL; link to the documents view instead.")


class PrivateStorage(LazyObject):
    """The ``"private"`` storage, looked up when first used (and again after a settings change).

    A FileField resolves its storage once, at import; this stand-in lets the
    configured storage (or a test's) be the one really used.
    """

    def _setup(self):
        self._wrapped = storages["private"]


_private_storage = PrivateStorage()


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs):
    if setting in {"STORAGES", "LC_PRIVATE_ROOT"}:
        _private_storage._wrapped = empty


def private_storage() -> PrivateStorage:
    """Return the private storage (the FileField's ``storage`` callable)."""
    return _private_storage
