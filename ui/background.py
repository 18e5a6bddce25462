"""Long work off the UI thread: a QRunnable that reports progress by signal.

The job gets a `progress(n)` callback; cancelling makes the next call raise, so the job stops
between batches and the store keeps what was committed (see store.jobs).
"""
from __future__ import annotations

import threading
from typing import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from store.db import close_database


class Cancelled(Exception):
    pass


class JobSignals(QObject):
    progressed = Signal(int)  # items done so far
    finished = Signal(object)  # the job's result
    failed = Signal(str)


class Job(QRunnable):
    # Running jobs, kept referenced: a job nobody holds would be collected with its signals,
    # and its finished signal would never arrive.
    running: set["Job"] = set()

    def __init__(self, work: Callable[[Callable[[int], None]], object]):
        super().__init__()
        self.setAutoDelete(False)  # Python owns it (see `running`)
        self.work = work
        self.signals = JobSignals()
        self._cancel = threading.Event()
        self._done = 0
        # Why it failed, for a caller with more to say than the message (set before
        # `failed` is emitted; Cancelled when cancelled).
        self.error: Exception | None = None

    def start(self) -> None:
        """Runs the job on the global thread pool; it stays referenced until it ends."""
        Job.running.add(self)
        for signal in (self.signals.finished, self.signals.failed):
            signal.connect(lambda *_: Job.running.discard(self))
        QThreadPool.globalInstance().start(self)

    def cancel(self) -> None:
        self._cancel.set()

    def _progress(self, count: int) -> None:
        if self._cancel.is_set():
            raise Cancelled()
        self._done += count
        self.signals.progressed.emit(self._done)

    def run(self) -> None:
        try:
            result = self.work(self._progress)
        except Cancelled as error:
            self.error = error
            self.signals.failed.emit("cancelled; what was done so far is saved")
        except Exception as error:  # shown in the window rather than lost in a thread
            self.error = error
            self.signals.failed.emit(str(error))
        else:
            self.signals.finished.emit(result)
        finally:
            close_database()  # this thread's own connection
