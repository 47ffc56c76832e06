"""A fake S3 server (moto, on loopback) and a private bucket in it, for the tests of the store.

The store is an outside service, so moto's server stands in for it; everything
of ours stays real. Import the fixtures (``*_fixture``) into a test module to
use them: each is registered under its own name (``s3``, ``s3_bucket``,
``s3_endpoint``), which a test's parameter may then use without shadowing an
import.
"""

import boto3
import pytest
from moto.server import ThreadedMotoServer

BUCKET = "lc-private"
CREDENTIALS = {"access_key": "testing", "secret_key": "testing"}  # moto accepts any


@pytest.fixture(scope="module", name="s3_endpoint")
def s3_endpoint_fixture():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def use_bucket(settings, s3_endpoint) -> None:
    """Keep the private documents in the bucket, as LC_S3_BUCKET does (prefix "documents")."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "learningcities.common.storage_s3.PrivateS3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "default_acl": "private",
                "location": "documents",
                **CREDENTIALS,
            },
        },
    }


@pytest.fixture(name="s3_bucket")
def s3_bucket_fixture(s3_endpoint):
    """A fresh, empty private bucket (the settings still keep documents in a folder)."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    yield client
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in listed:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture(name="s3")
def s3_fixture(settings, s3_endpoint, s3_bucket):
    """A fresh private bucket, and the settings that keep documents in it."""
    use_bucket(settings, s3_endpoint)
    return s3_bucket


def keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
