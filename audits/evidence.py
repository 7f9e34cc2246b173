"""Evidence files: which files may be attached, and how a stored file is opened again.

A file is accepted when its extension is on the allow-list *and* its content starts the way that
kind of file starts (magic bytes; DOCX and XLSX are ZIP packages holding ``word/`` or ``xl/``
parts; a text file is UTF-8 without NUL or other control bytes). The name the user gave is
kept, sanitised, for display and download only; the stored name is random (``evidence_path``).
Opening a stored file refuses any name that resolves outside the storage root.

A stored file whose attachment row never committed (the upload's transaction, or one around it, was
rolled back) or was deleted (Django never deletes a row's file) would stay in
storage for good: :func:`sweep_orphans` (an hourly beat task) deletes every file under the evidence
folder that no attachment names, once it is older than ``EVIDENCE_ORPHAN_GRACE_HOURS`` (an upload
being saved right now has its file before its row).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.utils import timezone

from oversight.errors import ApplicationError

EVIDENCE_DIR = "evidence"
MAX_NAME = 120


def _zip_with(prefix: str) -> Callable[[IO[bytes]], bool]:
    def check(handle: IO[bytes]) -> bool:
        try:
            with zipfile.ZipFile(handle) as package:
                names = package.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        return "[Content_Types].xml" in names and any(name.startswith(prefix) for name in names)

    return check


def _starts_with(*magic: bytes) -> Callable[[IO[bytes]], bool]:
    def check(handle: IO[bytes]) -> bool:
        head = handle.read(16)
        return any(head.startswith(m) for m in magic)

    return check


CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _plain_text(handle: IO[bytes]) -> bool:
    data = handle.read()
    if CONTROL_BYTES.search(data):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    looks_right: Callable[[IO[bytes]], bool]


PDF = FileKind("PDF", "application/pdf", _starts_with(b"%PDF-"))
PNG = FileKind("PNG", "image/png", _starts_with(b"\x89PNG\r\n\x1a\n"))
JPEG = FileKind("JPEG", "image/jpeg", _starts_with(b"\xff\xd8\xff"))
DOCX = FileKind(
    "Word (DOCX)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    _zip_with("word/"),
)
XLSX = FileKind("Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _zip_with("xl/"))
TXT = FileKind("plain text (TXT)", "text/plain; charset=utf-8", _plain_text)

ALLOWED: dict[str, FileKind] = {
    ".pdf": PDF,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".txt": TXT,
}
ALLOWED_TEXT = "PDF, PNG, JPEG, Word (DOCX), Excel (XLSX) or plain-text (TXT)"


def max_bytes() -> int:
    return int(settings.EVIDENCE_MAX_BYTES)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def sanitise_filename(name: str) -> str:
    """The last path part of ``name`` with only letters, digits, spaces, dots, dashes and underscores,
    no leading dots, at most ``MAX_NAME`` characters (extension kept); "evidence" when nothing is left."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9 ._-]+", "_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem[: MAX_NAME - len(ext) - 1].rstrip(" .") or "evidence"
    return f"{stem}.{ext.lower()}" if ext else stem


@dataclass(frozen=True)
class CheckedFile:
    name: str  # sanitised original name
    extension: str
    content_type: str
    size: int
    sha256: str


def check_upload(upload: Any) -> CheckedFile:
    """Size, extension and content of an uploaded file; an ApplicationError with a clear message
    (under ``file``) when it may not be attached."""
    name = sanitise_filename(getattr(upload, "name", "") or "")
    size = int(getattr(upload, "size", 0) or 0)

    def refuse(message: str) -> ApplicationError:
        return ApplicationError(message, {"file": [message]})

    if size == 0:
        raise refuse(f"{name} is empty: choose a file with content.")
    if size > max_bytes():
        raise refuse(f"{name} is {_megabytes(size)} MB: the file must be {_megabytes(max_bytes())} MB or smaller.")
    extension = PurePosixPath(name).suffix.lower()
    kind = ALLOWED.get(extension)
    if kind is None:
        raise refuse(f"{name} cannot be attached: choose a {ALLOWED_TEXT} file.")
    upload.seek(0)
    looks_right = kind.looks_right(upload)
    upload.seek(0)
    if not looks_right:
        raise refuse(f"{name} is not a {kind.label} file: its content does not match its extension.")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(name, extension, kind.content_type, size, digest.hexdigest())


def evidence_path(_instance: Any, filename: str) -> str:
    """A random stored name under ``evidence/<year>/<month>/``, keeping only the (allowed) extension."""
    extension = PurePosixPath(filename).suffix.lower()
    if extension not in ALLOWED:
        extension = ""
    return f"{EVIDENCE_DIR}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


def open_stored(name: str) -> IO[bytes]:
    """Open a stored evidence file for reading. Refuses (SuspiciousFileOperation) a name outside the
    evidence folder or one that resolves outside the storage root (``..``, absolute paths, links)."""
    parts = PurePosixPath(name).parts
    if not name or PurePosixPath(name).is_absolute() or ".." in parts or parts[0] != EVIDENCE_DIR:
        raise SuspiciousFileOperation(f"Evidence file name outside the evidence folder: {name!r}")
    storage = default_storage
    if isinstance(storage, FileSystemStorage):
        root = Path(storage.location).resolve()
        path = Path(storage.path(name)).resolve()
        if not path.is_relative_to(root / EVIDENCE_DIR):
            raise SuspiciousFileOperation(f"Evidence file outside the media root: {name!r}")
    return storage.open(name, "rb")


def _stored_names(storage: Storage, folder: str) -> Iterator[str]:
    """Every file name under ``folder`` of ``storage``, at any depth (``evidence/<year>/<month>/…``)."""
    if isinstance(storage, FileSystemStorage) and not storage.exists(folder):
        return
    directories, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from _stored_names(storage, f"{folder}/{directory}")


def sweep_orphans(*, now: datetime | None = None) -> int:
    """Delete stored evidence files no attachment names, older than ``EVIDENCE_ORPHAN_GRACE_HOURS``;
    the number deleted. Attachments are looked up 500 names at a time."""
    from .models import EvidenceAttachment  # the models import this module (upload_to)

    storage = default_storage
    cutoff = (now or timezone.now()) - timedelta(hours=settings.EVIDENCE_ORPHAN_GRACE_HOURS)
    old = (name for name in _stored_names(storage, EVIDENCE_DIR) if storage.get_modified_time(name) < cutoff)
    deleted = 0
    while batch := list(islice(old, 500)):
        named = set(EvidenceAttachment.objects.filter(file__in=batch).values_list("file", flat=True))
        for name in batch:
            if name not in named:
                storage.delete(name)
                deleted += 1
    return deleted
