"""Stale tokens made anew in the background when the window opens a store: a spaCy upgrade
(or a store from before tokens were kept) is a migration the annotator can work through.

`store.tokens.tokenize_stale` commits a page of documents per transaction, so edits wait
for no page long, and a stop (the window closing) keeps the pages done; the others are
made on the next start, and meanwhile opening and exporting tokenize them as they go
(store.tokens.stored_tokens reads stale tokens as none). Even the count runs off the UI
thread: no index covers the tokenizer column, so on a large store it reads every row.
"""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QLabel, QStatusBar

from annotate.stored_tokens import spacy_version
from store.db import close_database
from store.tokens import count_stale, tokenize_stale

DONE_SHOWN_MS = 15_000  # how long the outcome stays in the status bar


class _Stopped(Exception):
    pass


class _Reports(QObject):
    counted = Signal(int)  # stale documents found
    progressed = Signal(int)  # documents done so far
    finished = Signal(int)  # documents done in all
    failed = Signal(str)


class _Retokenize(QRunnable):
    def __init__(self, stop: threading.Event, reports: _Reports):
        super().__init__()
        self.stop, self.reports = stop, reports
        self.done = 0

    def run(self) -> None:
        try:
            stale = count_stale()
            self._say(self.reports.counted, stale)
            if stale and not self.stop.is_set():
                tokenize_stale(progress=self._progress)
            self._say(self.reports.finished, self.done)
        except _Stopped:
            pass  # the window closed: the pages done stay done
        except Exception as error:  # said in the status bar, not lost in a thread
            self._say(self.reports.failed, str(error))
        finally:
            close_database()  # this thread's connection

    def _progress(self, count: int) -> None:
        self.done += count
        self._say(self.reports.progressed, self.done)
        if self.stop.is_set():
            raise _Stopped()

    def _say(self, signal, value) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the window is gone: nobody is waiting for the news
            pass


class Retokenizing(QObject):
    """Re-tokenizes the store's stale documents on a thread of its own, with a note in
    the status bar while it works and its outcome after."""

    def __init__(self, status_bar: QStatusBar):
        super().__init__(status_bar)
        self.label = QLabel(textFormat=Qt.TextFormat.PlainText)
        self.label.setContentsMargins(0, 0, 16, 0)  # apart from "Your annotation"
        self.label.hide()
        status_bar.insertPermanentWidget(0, self.label)  # first: it comes and goes
        self.stale = 0
        self.finished = False
        self._reports = _Reports(self)
        self._reports.counted.connect(self._counted)
        self._reports.progressed.connect(self._progressed)
        self._reports.finished.connect(self._finished)
        self._reports.failed.connect(self._failed)
        self._stop = threading.Event()
        self._pool = QThreadPool(self)  # its own: the long jobs' pool is not held up
        self._pool.setMaxThreadCount(1)

    def start(self) -> None:
        self._pool.start(_Retokenize(self._stop, self._reports))

    def stop(self, msecs: int = 30_000) -> bool:
        """Stops after the page in hand is committed; True once the thread has ended."""
        self._stop.set()
        return self._pool.waitForDone(msecs)

    def _counted(self, stale: int) -> None:
        self.stale = stale
        if stale:
            self._show(f"Re-tokenizing {stale:,} documents for spaCy {spacy_version()}…")

    def _progressed(self, done: int) -> None:
        self._show(f"Re-tokenizing {self.stale:,} documents for spaCy {spacy_version()}… "
                   f"({done:,} so far)")

    def _finished(self, done: int) -> None:
        self.finished = True
        if done:
            self._show(f"Tokens ready for spaCy {spacy_version()}: {done:,} documents "
                       "re-tokenized.")
            QTimer.singleShot(DONE_SHOWN_MS, self.label.hide)

    def _failed(self, reason: str) -> None:
        self.finished = True
        self._show(f"Re-tokenizing stopped: {reason}. Documents not done yet are tokenized "
                   "as they are opened, and again at the next start.")

    def _show(self, text: str) -> None:
        self.label.setText(text)
        self.label.show()
