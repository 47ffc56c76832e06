"""Private documents in an S3-compatible object store (``LC_S3_BUCKET``).

A module of its own so that boto3 is only imported by installations that use it.
"""

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """A bucket whose objects are private and have no URL: files go out through the view."""

    default_acl = "private"
    querystring_auth = True
    file_overwrite = False
    # A file read from the bucket is downloaded into a spooled temporary file;
    # django-storages' default (0) keeps it all in memory, whatever its size.
    # Past this (Django's FILE_UPLOAD_MAX_MEMORY_SIZE) it goes to disk, as an
    # upload does: serving, backing up or moving documents stays small in memory.
    max_memory_size = 2_621_440

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Private files have no public URL; link to the documents view instead.")
