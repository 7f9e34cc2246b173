"""Evidence storage: local files unless a bucket is configured, then a private S3 bucket (no network here)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages

from oversight.settings import BASE_DIR, default_file_storage


def test_without_a_bucket_evidence_is_kept_on_the_local_disk() -> None:
    assert default_file_storage({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert isinstance(storages.create_storage(default_file_storage({})), FileSystemStorage)


def test_with_a_bucket_the_s3_backend_is_chosen_private_and_never_overwriting() -> None:
    config = default_file_storage(
        {"EVIDENCE_S3_BUCKET": "ppu-evidence", "AWS_S3_REGION_NAME": "eu-west-2", "EVIDENCE_S3_PREFIX": "oversight"}
    )

    storage: Any = storages.create_storage(config)  # builds the client lazily: no network call

    assert type(storage).__module__ + "." + type(storage).__name__ == "storages.backends.s3.S3Storage"
    assert (storage.bucket_name, storage.region_name, storage.location) == ("ppu-evidence", "eu-west-2", "oversight")
    assert storage.default_acl is None and storage.file_overwrite is False
    assert storage.object_parameters == {"ServerSideEncryption": "AES256"}


def test_the_standard_bucket_variable_works_too_and_an_endpoint_is_passed_on() -> None:
    config = default_file_storage({"AWS_STORAGE_BUCKET_NAME": "b", "AWS_S3_ENDPOINT_URL": "https://minio.internal"})

    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    assert config["OPTIONS"]["endpoint_url"] == "https://minio.internal"


def test_the_settings_module_reads_the_bucket_from_the_environment() -> None:
    env = {**os.environ, "EVIDENCE_S3_BUCKET": "ppu-evidence", "DJANGO_SETTINGS_MODULE": "oversight.settings"}
    script = "import django; django.setup(); from django.conf import settings; print(settings.STORAGES['default'])"

    out = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=BASE_DIR, capture_output=True, text=True, check=True
    ).stdout

    assert "storages.backends.s3.S3Storage" in out and "'bucket_name': 'ppu-evidence'" in out
    assert settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")  # this test run: no bucket
