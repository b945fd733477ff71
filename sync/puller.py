"""One cycle's pull (`sync.engine.SyncEngine`, step 3 of its cycle): pages from the store's
cursor until `has_more` is false, each applied by `LocalStore.apply_pulled` in one local
transaction. The next page is asked for (on a helper thread) while this thread applies the
current one; requests still go out one at a time, in order. On 410 `cursor_expired` the store's
cursor is reset once and the pull starts over from the beginning.

A store may also take `pull_started()` before the first request and `pull_ended()` once the
pull stops, however it stops (its end, a cancel, a failure): the app's store builds the search
indexes of a first pull once, there (`agent_app.storage.deferred_indexes`). Both are optional.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from sync import protocol
from sync.client import SyncClient, SyncError
from sync.contract import WARNING_CURSOR_RESET, CycleReport, LocalStore, Progress

log = logging.getLogger("sync")


class Puller:
    """One cycle's pull; `run()` once."""

    def __init__(
        self,
        client: SyncClient,
        store: LocalStore,
        cancel: threading.Event,
        limit: int,
        report: CycleReport,
        notify: Progress,
    ) -> None:
        self.client = client
        self.store = store
        self.cancel = cancel
        self.limit = limit
        self.report = report
        self.notify = notify

    def run(self) -> str | None:
        """Pulls to the end (or a cancel); returns the server time of the last page."""
        self._hook("pull_started")
        try:
            server_time = self._pages()
        except BaseException:
            try:
                self._hook("pull_ended")
            except Exception:  # the pull's own failure is the one to report
                log.exception("the store could not finish the pull")
            raise
        self._hook("pull_ended")
        return server_time

    def _hook(self, name: str) -> None:
        call = getattr(self.store, name, None)
        if call is not None:
            call()

    def _pages(self) -> str | None:
        report = self.report
        server_time: str | None = None
        cursor = self.store.get_cursor()
        self.notify("pull", 0, None)
        reset_done = False
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-pull")
        try:
            coming: Future[protocol.PullResponse] | None = pool.submit(
                self.client.pull, cursor, self.limit
            )
            while coming is not None and not self.cancel.is_set():
                try:
                    page = coming.result()
                except SyncError as error:
                    if error.kind != "cursor_expired" or reset_done or cursor is None:
                        raise
                    log.info("the pull cursor expired; pulling from the start")
                    self.store.reset_cursor()
                    report.cursor_reset = True
                    report.warn(WARNING_CURSOR_RESET)
                    reset_done = True
                    cursor = None
                    coming = pool.submit(self.client.pull, None, self.limit)
                    continue
                coming = (
                    pool.submit(self.client.pull, page.next_cursor, self.limit)
                    if page.has_more
                    else None
                )
                self.store.apply_pulled(page.changes, page.next_cursor)
                server_time = page.server_time.isoformat()
                cursor = page.next_cursor
                report.pages += 1
                report.pulled += len(page.changes)
                self.notify("pull", report.pulled, None)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return server_time
