"""A DocBin written as its Docs come, in flat memory, byte for byte the file spaCy's own
`DocBin(store_user_data=False).to_disk` writes for the same Docs.

spaCy's DocBin keeps every Doc's arrays until the end and then joins them, so its memory
grows with the export (4.9 GB for 20,000 news stories). Here each Doc's token rows, spaces
and span groups go to temporary files as they come; what stays in memory is one number per
Doc, its cats and flags, and the set of strings, which stops growing with the vocabulary.
At the end the msgpack message is assembled in the order DocBin.to_bytes gives it and
compressed as a stream (zlib's output does not depend on how its input is fed).
"""
from __future__ import annotations

import struct
import tempfile
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy
import srsly
from spacy.attrs import DEP, ENT_ID, ENT_KB_ID, ENT_TYPE, LEMMA, MORPH, NORM, ORTH, SPACY, TAG
from spacy.tokens import DocBin

# The columns of a Doc's rows whose strings DocBin.add collects, token by token.
STRING_ATTRS = (ORTH, TAG, LEMMA, NORM, MORPH, DEP, ENT_TYPE, ENT_KB_ID, ENT_ID)
COPY_CHUNK = 1 << 20
NO_SPAN_GROUPS = b"\x90"  # SpanGroups.to_bytes() of none: an empty msgpack list


class StreamingDocBin:
    def __init__(self, folder: Path):
        plain = DocBin()  # its columns and version, as spaCy chooses them
        self.attrs, self.version = list(plain.attrs), plain.version
        self.string_columns = [self.attrs.index(a) for a in STRING_ATTRS if a != MORPH]
        self.morph_column = self.attrs.index(MORPH)
        self.strings: set[str] = set()
        self.seen: set[int] = set()  # hashes whose strings are in `strings`
        self.lengths: list[int] = []
        self.cats: list[dict] = []
        self.flags: list[dict] = []
        self.files = {name: tempfile.TemporaryFile(dir=folder)
                      for name in ("tokens", "spaces", "span_groups")}
        self.sizes = {name: 0 for name in self.files}

    def add(self, doc) -> None:
        rows = doc.to_array(self.attrs)
        if len(rows.shape) == 1:
            rows = rows.reshape((rows.shape[0], 1))
        spaces = numpy.asarray(doc.to_array(SPACY).reshape(-1, 1), dtype=bool)
        self._write("tokens", rows.tobytes("C"))
        self._write("spaces", spaces.tobytes("C"))
        self.lengths.append(len(rows))
        self.flags.append({"has_unknown_spaces": doc.has_unknown_spaces})
        self._add_strings(doc, rows)
        self.cats.append(doc.cats)
        # What DocBin keeps per Doc, msgpack'd as bin; most Docs have no span group, and
        # srsly's msgpack call costs ~1 ms (it scans the installed packages' encoders).
        groups = doc.spans.to_bytes() if doc.spans else NO_SPAN_GROUPS
        self._write("span_groups", _bin_header(len(groups)) + groups)
        for group in doc.spans.values():
            for span in group:
                self.strings.add(span.label_)
                if span.kb_id in doc.vocab.strings:
                    self.strings.add(span.kb_id_)
                if span.id in doc.vocab.strings:
                    self.strings.add(span.id_)

    def _add_strings(self, doc, rows) -> None:
        """The strings DocBin.add takes from each token, from the rows' distinct hashes
        (0: the empty string), each looked up once per export."""
        fresh = set(numpy.unique(rows[:, self.string_columns]).tolist()) - self.seen
        self.seen |= fresh
        strings = doc.vocab.strings
        self.strings.update(strings[key] if key else "" for key in fresh)
        for key in numpy.unique(rows[:, self.morph_column]).tolist():
            # an analysis reads as its normalised features, not as its hash's string
            self.strings.add(str(doc.vocab.morphology.get(key)) if key else "")

    def _write(self, name: str, data: bytes) -> None:
        self.files[name].write(data)
        self.sizes[name] += len(data)

    def to_disk(self, path: Path) -> None:
        compress = zlib.compressobj()
        with open(path, "wb") as out:
            def put(data: bytes) -> None:
                out.write(compress.compress(data))

            put(b"\x89")  # a map of the nine keys DocBin.to_bytes writes, in its order
            put(_packed("version") + _packed(self.version))
            put(_packed("attrs") + _packed(self.attrs))
            for name in ("tokens", "spaces"):
                put(_packed(name) + _bin_header(self.sizes[name]))
                self._copy(name, put)
            put(_packed("lengths")
                + _packed(numpy.asarray(self.lengths, dtype="int32").tobytes("C")))
            put(_packed("strings") + _packed(sorted(self.strings)))
            put(_packed("cats") + _packed(self.cats))
            put(_packed("flags") + _packed(self.flags))
            put(_packed("span_groups") + _array_header(len(self.lengths)))
            self._copy("span_groups", put)
            out.write(compress.flush())
        for file in self.files.values():
            file.close()

    def _copy(self, name: str, put) -> None:
        file: BinaryIO = self.files[name]
        file.seek(0)
        while chunk := file.read(COPY_CHUNK):
            put(chunk)


def _packed(value) -> bytes:
    return srsly.msgpack_dumps(value)


def _bin_header(size: int) -> bytes:
    if size < 1 << 8:
        return b"\xc4" + struct.pack(">B", size)
    if size < 1 << 16:
        return b"\xc5" + struct.pack(">H", size)
    return b"\xc6" + struct.pack(">I", size)


def _array_header(count: int) -> bytes:
    if count < 16:
        return bytes([0x90 | count])
    if count < 1 << 16:
        return b"\xdc" + struct.pack(">H", count)
    return b"\xdd" + struct.pack(">I", count)
