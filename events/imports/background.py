"""Large admin uploads are checked (the dry run) and imported in a thread, not in the request: the editor watches
a status page.

The import runs in one transaction, so its own rows are invisible until it commits: its progress (items written,
of how many) is kept in the cache, which every worker reads when settings.CACHES is shared (Redis in production),
and the PendingUpload row records the outcome once it is over: the batch, or the errors. A server stopped in the
middle rolls the import back, whole, like any failed import; the status page then shows it as still running
until the editor uploads the file again.
"""

import threading

from django.core.cache import cache
from django.db import connection

from events.imports.formats import import_file
from events.imports.models import PendingUpload
from events.interchange import ImportFailed


def progress_key(pending_id: int) -> str:
    return f"imports:progress:{pending_id}"


def progress_of(pending_id: int) -> tuple[int, int]:
    """(items written, items to write) of a running background import, as far as it has said."""
    done, total = cache.get(progress_key(pending_id), (0, 0))
    return done, total


def run_pending(pending_id: int) -> None:
    """Check a large upload (a dry run), or import a confirmed one as its uploader; record how it went."""
    pending = PendingUpload.objects.select_related("user").get(pk=pending_id)
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
    finally:
        connection.close()  # the thread's own connection


def start(pending: PendingUpload, state: str) -> None:
    """Put the upload in `state` (checking, or running once confirmed) and do that in a background thread."""
    pending.state = state
    pending.save(update_fields=["state"] if pending.pk else None)
    threading.Thread(target=in_thread, args=[pending.pk], daemon=True, name=f"import-{pending.pk}").start()
