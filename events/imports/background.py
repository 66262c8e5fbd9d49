"""Large admin uploads are checked (the dry run) and imported in a thread, not in the request: the editor watches
a status page.

The import runs in one transaction, so its own rows are invisible until it commits: its progress (items written,
of how many) is kept in the cache, which every worker reads when settings.CACHES is shared (Redis in production),
and the PendingUpload row records the outcome once it is over: the batch, or the errors.

A server stopped in the middle rolls the import back, whole, like any failed import. To tell that from a slow
import, the thread holds a lock that its end releases, and so does its process's death: a PostgreSQL advisory lock
on the thread's own connection (any server's status page can test it), or on SQLite, whose database is on this
machine, an flock on a file beside it. A check or import whose lock is free once it has had time to take it
(THAW_IMPORT_START_GRACE seconds) stopped without recording its end: the status page says so.
"""

import datetime
import fcntl
import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from events.imports.formats import import_file
from events.imports.models import PendingUpload
from events.interchange import ImportFailed

logger = logging.getLogger(__name__)


def progress_key(pending_id: int) -> str:
    return f"imports:progress:{pending_id}"


def progress_of(pending_id: int) -> tuple[int, int]:
    """(items written, items to write) of a running background import, as far as it has said."""
    done, total = cache.get(progress_key(pending_id), (0, 0))
    return done, total


# The advisory lock's first key, beside the upload's id: one namespace of this site's locks.
ADVISORY_NAMESPACE = 0x7468  # "th"
STOPPED = "The server stopped while it was {}; nothing was imported. Upload the file again."


def lock_file(pending_id: int) -> Path:
    database = str(connection.settings_dict["NAME"])
    return (
        Path(tempfile.gettempdir()) / f"thaw-import-{hashlib.sha256(database.encode()).hexdigest()[:16]}-{pending_id}"
    )


@contextmanager
def running(pending_id: int) -> Iterator[None]:
    """Hold the upload's lock while the check or import runs (the caller's connection, on PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [ADVISORY_NAMESPACE, pending_id])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_NAMESPACE, pending_id])
        return
    descriptor = os.open(lock_file(pending_id), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock
        lock_file(pending_id).unlink(missing_ok=True)


def is_running(pending_id: int) -> bool:
    """Whether a thread, in any process, holds the upload's lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [ADVISORY_NAMESPACE, pending_id])
            if not cursor.fetchone()[0]:
                return True
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_NAMESPACE, pending_id])
        return False
    try:
        descriptor = os.open(lock_file(pending_id), os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


def record_if_stopped(pending: PendingUpload) -> None:
    """Mark a check or import that stopped without recording its end (its server stopped) as failed."""
    grace = datetime.timedelta(seconds=settings.THAW_IMPORT_START_GRACE)
    started = pending.started_at or pending.uploaded_at
    if pending.state not in (PendingUpload.State.CHECKING, PendingUpload.State.RUNNING):
        return
    if timezone.now() - started < grace or is_running(pending.pk):
        return
    doing = "checking the file" if pending.state == PendingUpload.State.CHECKING else "importing it"
    updated = PendingUpload.objects.filter(pk=pending.pk, state=pending.state).update(
        state=PendingUpload.State.FAILED, errors=[STOPPED.format(doing)]
    )
    if updated:
        pending.state, pending.errors = PendingUpload.State.FAILED, [STOPPED.format(doing)]


def run_pending(pending_id: int) -> None:
    with running(pending_id):
        check_or_import(pending_id)


def check_or_import(pending_id: int) -> None:
    """Check a large upload (a dry run), or import a confirmed one as its uploader; record how it went."""
    pending = PendingUpload.objects.select_related("user").get(pk=pending_id)
    if pending.state not in (PendingUpload.State.CHECKING, PendingUpload.State.RUNNING):
        return  # already over, or given up as stopped by a status page while this thread was starting
    checking = pending.state == PendingUpload.State.CHECKING

    def report(done: int, total: int) -> None:
        cache.set(progress_key(pending_id), (done, total), timeout=24 * 3600)

    try:
        outcome = import_file(
            pending.file_name,
            bytes(pending.content),
            user=pending.user,
            dry_run=checking,
            keep_file=not checking,
            progress=report,
        )
    except ImportFailed as failure:
        pending.state, pending.errors = PendingUpload.State.FAILED, failure.errors
    else:
        if checking:
            pending.state, pending.preview = PendingUpload.State.PREVIEWED, outcome.preview()
        else:
            pending.state, pending.batch = PendingUpload.State.DONE, outcome.batch
    cache.delete(progress_key(pending_id))
    pending.save(update_fields=["state", "errors", "batch", "preview"])


def in_thread(pending_id: int) -> None:
    try:
        run_pending(pending_id)
    except Exception:
        # Only what could not be recorded gets here (the database failing, say): the status page reports the
        # upload as stopped once its lock is free (record_if_stopped).
        logger.exception("The background import of upload %s stopped", pending_id)
    finally:
        connection.close()  # the thread's own connection


def start(pending: PendingUpload, state: str) -> None:
    """Put the upload in `state` (checking, or running once confirmed) and do that in a background thread."""
    pending.state, pending.started_at = state, timezone.now()
    pending.save(update_fields=["state", "started_at"] if pending.pk else None)
    threading.Thread(target=in_thread, args=[pending.pk], daemon=True, name=f"import-{pending.pk}").start()
