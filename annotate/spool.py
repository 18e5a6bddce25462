"""Documents read and checked, kept in a temporary file instead of memory.

An import reads every file before it opens the store (bad input must leave no trace there);
spooling what it read keeps memory flat however large the input, and storing from the spool
takes no more parsing or tokenising while the database is locked.

A spool is named `goldspan-<pid>-import-...`: one left by a killed import (its pid no longer
running) is removed when the next import starts.
"""
from __future__ import annotations

import glob
import os
import pickle
import tempfile
from typing import Iterable, Iterator

from annotate.document import TextDocument


SUFFIX = ".pickle"
# Documents are written a list at a time: pickle then names their classes once per list,
# which halves writing and takes a quarter off reading. A list holds up to this many
# documents or characters of text, so memory stays flat.
LIST_DOCUMENTS, LIST_CHARACTERS = 256, 1_000_000


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine. Where that cannot be asked
    without harm (Windows: os.kill would end it), it is taken to be running."""
    if os.name == "nt":
        return True
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale_spools(folder: str | None = None) -> int:
    """Deletes spools whose import process is gone; returns how many."""
    removed = 0
    pattern = os.path.join(glob.escape(folder or tempfile.gettempdir()),
                           f"goldspan-*-import-*{SUFFIX}")
    for path in glob.glob(pattern):
        pid = os.path.basename(path).split("-")[1]
        if pid.isdigit() and not process_alive(int(pid)):
            try:
                os.remove(path)
                removed += 1
            except OSError:  # removed by another import meanwhile, or not ours to remove
                pass
    return removed


class DocumentSpool:
    def __init__(self, documents: Iterable[TextDocument] = ()):
        handle, self.path = tempfile.mkstemp(prefix=f"goldspan-{os.getpid()}-import-",
                                             suffix=SUFFIX)
        self._out = os.fdopen(handle, "wb")
        self._waiting: list[TextDocument] = []  # not written yet
        self._characters = 0
        self._lists = 0
        self.count = 0
        self.annotators: set[str] = set()  # names of people's work the documents carry
        self.partial = 0  # documents that are partial work (Prodigy's binary answers)
        for document in documents:
            self.add(document)

    def add(self, document: TextDocument) -> None:
        self._waiting.append(document)
        self._characters += len(document.text)
        if len(self._waiting) >= LIST_DOCUMENTS or self._characters >= LIST_CHARACTERS:
            self._write()
        self.count += 1
        self.annotators.update(document.annotations)
        self.partial += document.partial

    def _write(self) -> None:
        if self._waiting:
            pickle.dump(self._waiting, self._out, protocol=pickle.HIGHEST_PROTOCOL)
            self._lists += 1
            self._waiting, self._characters = [], 0

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[TextDocument]:
        """Each pass reads the file afresh, so passes may follow one another."""
        self._write()
        self._out.flush()
        with open(self.path, "rb") as spooled:
            for _ in range(self._lists):
                yield from pickle.load(spooled)  # our own file, written above

    def close(self) -> None:
        out = getattr(self, "_out", None)  # a signal may stop __init__ before it is set
        if out is not None:
            out.close()
        path = getattr(self, "path", None)
        if path is not None and os.path.exists(path):
            os.remove(path)

    def __enter__(self) -> "DocumentSpool":
        return self

    def __exit__(self, *_) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()
