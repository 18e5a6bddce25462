"""Hidden staging datasets: a large import commits a chunk at a time, yet stays all or
nothing and invisible until done.

The documents go to a dataset whose `staging_of` names the target; queries that list or
find datasets skip such datasets. At the end one short transaction moves the documents to
the target and deletes the staging dataset; a failure deletes it instead. A staging dataset
is named `import <host> <pid> <uuid>`, so the next import can tell one left by a killed
process (same host, pid not running) and remove it.
"""
from __future__ import annotations

import os
import socket
import uuid
from collections import Counter
from datetime import timedelta

from peewee import SQL, fn

from annotate.spool import process_alive
from store.models import Dataset, Document, database, utc_now

STALE_AFTER = timedelta(days=1)  # whatever its host: no import runs that long
DROP_PAGE = 1000  # documents deleted per transaction when a staging set is removed

# Staging datasets this process is filling (imports may run in several threads).
_in_use: set[int] = set()


class ImportClash(Exception):
    """Another import stored some of the same texts meanwhile, and this one carries
    people's work for them; nothing was stored."""


def create(target_id: int) -> int:
    name = f"import {socket.gethostname()} {os.getpid()} {uuid.uuid4().hex}"
    with database.atomic():
        mode = Dataset.get_by_id(target_id).mode
        staging_id = Dataset.insert(name=name, mode=mode, staging_of=target_id).execute()
    _in_use.add(staging_id)
    return staging_id


def has_documents(dataset_id: int) -> bool:
    return Document.select().where(Document.dataset == dataset_id).exists()


def publish(staging_id: int, target_id: int, people_work: bool) -> Counter:
    """Moves every staged document to the target in one transaction and deletes the staging
    dataset. Returns how many texts another import stored in the target meanwhile, per
    source file: those are dropped as duplicates, unless they carry people's work
    (ImportClash then)."""
    with database.atomic():
        if not Dataset.select().where(Dataset.id == staging_id).exists():
            raise ImportClash("this import's staging dataset was removed by another "
                              "process (left for over a day?); nothing was stored")
        late = _late_duplicates(staging_id, target_id)
        if late and people_work:
            raise ImportClash(f"another import stored {len(late)} of these texts while this "
                              "one ran; nothing was stored: import again to add the work "
                              "onto them")
        ids = [doc_id for doc_id, _ in late]
        for page in range(0, len(ids), DROP_PAGE):
            Document.delete().where(Document.id.in_(ids[page:page + DROP_PAGE])).execute()
        Document.update(dataset=target_id).where(Document.dataset == staging_id).execute()
        Dataset.delete().where(Dataset.id == staging_id).execute()
    _in_use.discard(staging_id)
    return Counter(source for _, source in late)


def _late_duplicates(staging_id: int, target_id: int) -> list[tuple[int, str]]:
    """(id, source file) of each staged document whose text the target has."""
    if not has_documents(target_id):  # as for most large imports: no staged row to look up
        return []
    target = Document.alias()
    # EXISTS per staged row: an index lookup each, where IN (all target hashes) would read
    # the whole target.
    clash = fn.EXISTS(target.select(SQL("1")).where(
        (target.dataset == target_id) & (target.content_hash == Document.content_hash)))
    return list(Document.select(Document.id, Document.source)
                .where((Document.dataset == staging_id) & clash).tuples())


def drop(staging_id: int) -> None:
    """Deletes a staging dataset and what it holds, a page of documents per transaction,
    so that removing a large one holds no long lock either."""
    while True:
        with database.atomic():
            ids = [row[0] for row in Document.select(Document.id)
                   .where(Document.dataset == staging_id).limit(DROP_PAGE).tuples()]
            if not ids:
                Dataset.delete().where(Dataset.id == staging_id).execute()
                break
            # their annotations and spans go by cascade
            Document.delete().where(Document.id.in_(ids)).execute()
    _in_use.discard(staging_id)


def drop_if_unused(dataset_id: int) -> None:
    """Deletes a dataset this import created, if nothing else came to use it meanwhile."""
    with database.atomic():
        used = (Document.select().where(Document.dataset == dataset_id).exists()
                or Dataset.select().where(Dataset.staging_of == dataset_id).exists())
        if not used:
            Dataset.delete().where(Dataset.id == dataset_id).execute()


def remove_stale() -> int:
    """Removes staging datasets left by imports that were killed: on this host, by a process
    that is no longer running (or by this one, outside any running import), or older than
    a day. Returns how many."""
    host, me = socket.gethostname(), os.getpid()
    old = utc_now() - STALE_AFTER
    stale = []
    for staging_id, name, is_old in (Dataset.select(Dataset.id, Dataset.name,
                                                    Dataset.created < old)
                                     .where(Dataset.staging_of.is_null(False)).tuples()):
        parts = name.split(" ")
        here = len(parts) == 4 and parts[0] == "import" and parts[1] == host
        pid = int(parts[2]) if here and parts[2].isdigit() else None
        gone = pid is not None and (not process_alive(pid)
                                    or (pid == me and staging_id not in _in_use))
        if gone or is_old:
            stale.append(staging_id)
    for staging_id in stale:
        drop(staging_id)
    return len(stale)
