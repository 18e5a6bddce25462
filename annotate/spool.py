"""Documents read and checked, kept in a temporary file instead of memory.

An import reads every file before it opens the store (bad input must leave no trace there);
spooling what it read keeps memory flat however large the input, and storing from the spool
takes no more parsing or tokenising while the database is locked.
"""
from __future__ import annotations

import os
import pickle
import tempfile
from typing import Iterable, Iterator

from annotate.document import TextDocument


class DocumentSpool:
    def __init__(self, documents: Iterable[TextDocument] = ()):
        handle, self.path = tempfile.mkstemp(prefix="goldspan-import-", suffix=".pickle")
        self._out = os.fdopen(handle, "wb")
        self.count = 0
        self.annotators: set[str] = set()  # names of people's work the documents carry
        for document in documents:
            self.add(document)

    def add(self, document: TextDocument) -> None:
        pickle.dump(document, self._out, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1
        self.annotators.update(document.annotations)

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[TextDocument]:
        """Each pass reads the file afresh, so passes may follow one another."""
        self._out.flush()
        with open(self.path, "rb") as spooled:
            for _ in range(self.count):
                yield pickle.load(spooled)  # our own file, written above

    def close(self) -> None:
        self._out.close()
        if os.path.exists(self.path):
            os.remove(self.path)

    def __enter__(self) -> "DocumentSpool":
        return self

    def __exit__(self, *_) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()
