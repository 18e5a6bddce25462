"""Counts kept by the database itself: documents per dataset, documents with the model's
predictions per dataset, documents each person has finished, and spans per annotation.

Triggers keep them, so every change is counted in the transaction that makes it, whoever
makes it: the window, an import with --annotator, pre-annotation, an undo, a staged import
moving its documents in, a deleted document taking its annotations along, another process,
a hand-written UPDATE. Reading one is an indexed lookup, where counting read the whole
dataset (400 ms at a million documents). Goldspan's code never writes them; `recount`
says what a fresh count finds, and tests compare the two after every kind of change.

Finished work: a person's own annotation (kind "annotation") in any status but pending.

On SQLite the triggers work per row (a row is updated in place there). On PostgreSQL
documents inserted or moved are counted once per statement: a staged import moves a
million documents in one UPDATE, and updating one counter row a million times in one
transaction would walk an ever longer chain of that row's versions. The rest is per row.
"""
from __future__ import annotations

from peewee import Database, PostgresqlDatabase, fn

from annotate.versions import OWN
from store.models import Annotation, AnnotatorTally, DatasetTally, Document, Span

FINISHED = "{row}.annotator IS NOT NULL AND {row}.kind = 'annotation' AND {row}.status <> 'pending'"
COUNTED = "({row}.annotator IS NULL OR ({finished}))"


def finished(row: str) -> str:
    return FINISHED.format(row=row)


def counted(row: str) -> str:
    return COUNTED.format(row=row, finished=finished(row))


def _sqlite_annotation(row: str, sign: str) -> list[str]:
    """Statements counting (sign +) or uncounting (-) one annotation row (NEW or OLD). The
    document may be gone (its delete cascading here): it was uncounted with it then."""
    dataset = f"(SELECT dataset_id FROM document WHERE id = {row}.document_id)"
    statements = [
        f"UPDATE dataset_tally SET predicted = predicted {sign} 1 "
        f"WHERE {row}.annotator IS NULL AND dataset_id = {dataset}",
    ]
    if sign == "+":
        statements.append(
            f"INSERT OR IGNORE INTO annotator_tally (dataset_id, annotator, done) "
            f"SELECT dataset_id, {row}.annotator, 0 FROM document "
            f"WHERE id = {row}.document_id AND {finished(row)}")
    statements.append(
        f"UPDATE annotator_tally SET done = done {sign} 1 WHERE {finished(row)} "
        f"AND annotator = {row}.annotator AND dataset_id = {dataset}")
    return statements


def _sqlite_document(document: str, dataset: str, sign: str) -> list[str]:
    """Statements counting (+) or uncounting (-) a document, with its predictions and the
    work finished on it, in `dataset`."""
    predicted = ("EXISTS (SELECT 1 FROM annotation WHERE document_id = "
                 f"{document} AND annotator IS NULL)")
    people = f"SELECT annotator FROM annotation WHERE document_id = {document} AND {finished('annotation')}"
    statements = [
        f"UPDATE dataset_tally SET documents = documents {sign} 1, "
        f"predicted = predicted {sign} {predicted} WHERE dataset_id = {dataset}"]
    if sign == "+":
        statements.append(
            f"INSERT OR IGNORE INTO annotator_tally (dataset_id, annotator, done) "
            f"SELECT {dataset}, annotator, 0 FROM ({people})")
    statements.append(f"UPDATE annotator_tally SET done = done {sign} 1 "
                      f"WHERE dataset_id = {dataset} AND annotator IN ({people})")
    return statements


def _trigger(name: str, when: str, body: list[str], condition: str = "") -> str:
    where = f" WHEN {condition}" if condition else ""
    return (f"CREATE TRIGGER IF NOT EXISTS {name} {when}{where} BEGIN "
            + "; ".join(body) + "; END")


def sqlite_triggers() -> list[str]:
    changed = ("OLD.status IS NOT NEW.status OR OLD.kind IS NOT NEW.kind OR "
               "OLD.annotator IS NOT NEW.annotator OR OLD.document_id <> NEW.document_id")
    return [
        _trigger("tally_dataset_insert", "AFTER INSERT ON dataset",
                 ["INSERT OR REPLACE INTO dataset_tally (dataset_id, documents, predicted) "
                  "VALUES (NEW.id, 0, 0)",
                  "DELETE FROM annotator_tally WHERE dataset_id = NEW.id"]),
        _trigger("tally_dataset_delete", "AFTER DELETE ON dataset",
                 ["DELETE FROM dataset_tally WHERE dataset_id = OLD.id",
                  "DELETE FROM annotator_tally WHERE dataset_id = OLD.id"]),
        _trigger("tally_document_insert", "AFTER INSERT ON document",
                 ["UPDATE dataset_tally SET documents = documents + 1 "
                  "WHERE dataset_id = NEW.dataset_id"]),
        # Before: its annotations are still there to uncount (a cascade deletes them after).
        _trigger("tally_document_delete", "BEFORE DELETE ON document",
                 _sqlite_document("OLD.id", "OLD.dataset_id", "-")),
        _trigger("tally_document_move", "AFTER UPDATE OF dataset_id ON document",
                 _sqlite_document("NEW.id", "OLD.dataset_id", "-")
                 + _sqlite_document("NEW.id", "NEW.dataset_id", "+"),
                 "OLD.dataset_id <> NEW.dataset_id"),
        _trigger("tally_annotation_insert", "AFTER INSERT ON annotation",
                 _sqlite_annotation("NEW", "+"), counted("NEW")),
        _trigger("tally_annotation_delete", "AFTER DELETE ON annotation",
                 _sqlite_annotation("OLD", "-"), counted("OLD")),
        _trigger("tally_annotation_update",
                 "AFTER UPDATE OF status, kind, annotator, document_id ON annotation",
                 _sqlite_annotation("OLD", "-") + _sqlite_annotation("NEW", "+"),
                 changed),
        _trigger("count_span_insert", "AFTER INSERT ON span",
                 ["UPDATE annotation SET span_count = span_count + 1 "
                  "WHERE id = NEW.annotation_id"]),
        _trigger("count_span_delete", "AFTER DELETE ON span",
                 ["UPDATE annotation SET span_count = span_count - 1 "
                  "WHERE id = OLD.annotation_id"]),
        _trigger("count_span_move", "AFTER UPDATE OF annotation_id ON span",
                 ["UPDATE annotation SET span_count = span_count - 1 "
                  "WHERE id = OLD.annotation_id",
                  "UPDATE annotation SET span_count = span_count + 1 "
                  "WHERE id = NEW.annotation_id"],
                 "OLD.annotation_id <> NEW.annotation_id"),
    ]


def _plpgsql(name: str, body: str, declare: str = "") -> str:
    return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"{declare} BEGIN {body} RETURN NULL; END $$")


# The documents a statement moved to another dataset, from its transition tables.
_MOVED = ("moved AS (SELECT o.id, o.dataset_id AS source, n.dataset_id AS target "
          "FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.dataset_id <> n.dataset_id)")

POSTGRES_FUNCTIONS = [
    _plpgsql("goldspan_tally_dataset", """
        INSERT INTO dataset_tally (dataset_id, documents, predicted) VALUES (NEW.id, 0, 0)
            ON CONFLICT (dataset_id) DO UPDATE SET documents = 0, predicted = 0;
        DELETE FROM annotator_tally WHERE dataset_id = NEW.id;"""),
    _plpgsql("goldspan_tally_dataset_deleted", """
        DELETE FROM dataset_tally WHERE dataset_id = OLD.id;
        DELETE FROM annotator_tally WHERE dataset_id = OLD.id;"""),
    _plpgsql("goldspan_tally_documents_inserted", """
        UPDATE dataset_tally t SET documents = t.documents + n.count
            FROM (SELECT dataset_id, count(*) AS count FROM new_rows GROUP BY dataset_id) n
            WHERE t.dataset_id = n.dataset_id;"""),
    _plpgsql("goldspan_tally_documents_moved", f"""
        WITH {_MOVED},
            counted AS (SELECT source, target, EXISTS (SELECT 1 FROM annotation a
                WHERE a.document_id = moved.id AND a.annotator IS NULL)::int AS predicted
                FROM moved),
            change AS (SELECT source AS dataset_id, -1 AS documents, -predicted AS predicted
                FROM counted UNION ALL SELECT target, 1, predicted FROM counted),
            net AS (SELECT dataset_id, sum(documents) AS documents,
                sum(predicted) AS predicted FROM change GROUP BY dataset_id)
        UPDATE dataset_tally t SET documents = t.documents + net.documents,
            predicted = t.predicted + net.predicted FROM net WHERE t.dataset_id = net.dataset_id;
        WITH {_MOVED},
            work AS (SELECT moved.source, moved.target, a.annotator FROM moved
                JOIN annotation a ON a.document_id = moved.id WHERE {finished('a')}),
            change AS (SELECT source AS dataset_id, annotator, -1 AS done FROM work
                UNION ALL SELECT target, annotator, 1 FROM work),
            net AS (SELECT dataset_id, annotator, sum(done) AS done FROM change
                GROUP BY dataset_id, annotator)
        INSERT INTO annotator_tally (dataset_id, annotator, done)
            SELECT dataset_id, annotator, done FROM net WHERE done <> 0
            ON CONFLICT (dataset_id, annotator)
            DO UPDATE SET done = annotator_tally.done + EXCLUDED.done;"""),
    # Before the delete: its annotations are still there to uncount.
    _plpgsql("goldspan_tally_document_deleted", f"""
        UPDATE dataset_tally SET documents = documents - 1,
            predicted = predicted - (EXISTS (SELECT 1 FROM annotation
                WHERE document_id = OLD.id AND annotator IS NULL))::int
            WHERE dataset_id = OLD.dataset_id;
        UPDATE annotator_tally SET done = done - 1 WHERE dataset_id = OLD.dataset_id
            AND annotator IN (SELECT annotator FROM annotation
                WHERE document_id = OLD.id AND {finished('annotation')});
        RETURN OLD;"""),
    # The document may be gone (its delete cascading here): it was uncounted with it then.
    _plpgsql("goldspan_tally_annotation", f"""
        IF TG_OP <> 'INSERT' THEN
            SELECT dataset_id INTO target FROM document WHERE id = OLD.document_id;
            IF FOUND AND OLD.annotator IS NULL THEN
                UPDATE dataset_tally SET predicted = predicted - 1 WHERE dataset_id = target;
            ELSIF FOUND AND {finished('OLD')} THEN
                UPDATE annotator_tally SET done = done - 1
                    WHERE dataset_id = target AND annotator = OLD.annotator;
            END IF;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            SELECT dataset_id INTO target FROM document WHERE id = NEW.document_id;
            IF NEW.annotator IS NULL THEN
                UPDATE dataset_tally SET predicted = predicted + 1 WHERE dataset_id = target;
            ELSIF {finished('NEW')} THEN
                INSERT INTO annotator_tally (dataset_id, annotator, done)
                    VALUES (target, NEW.annotator, 1) ON CONFLICT (dataset_id, annotator)
                    DO UPDATE SET done = annotator_tally.done + 1;
            END IF;
        END IF;""", declare="DECLARE target integer;"),
    _plpgsql("goldspan_count_spans", """
        IF TG_OP <> 'INSERT' THEN
            UPDATE annotation SET span_count = span_count - 1 WHERE id = OLD.annotation_id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            UPDATE annotation SET span_count = span_count + 1 WHERE id = NEW.annotation_id;
        END IF;"""),
]

_CHANGED = ("OLD.status IS DISTINCT FROM NEW.status OR OLD.kind IS DISTINCT FROM NEW.kind OR "
            "OLD.annotator IS DISTINCT FROM NEW.annotator OR OLD.document_id <> NEW.document_id")

# (name, table, when, the function it runs)
POSTGRES_TRIGGERS = [
    ("tally_dataset_insert", "dataset", "AFTER INSERT ON dataset FOR EACH ROW",
     "goldspan_tally_dataset"),
    ("tally_dataset_delete", "dataset", "AFTER DELETE ON dataset FOR EACH ROW",
     "goldspan_tally_dataset_deleted"),
    ("tally_document_insert", "document", "AFTER INSERT ON document REFERENCING NEW TABLE AS "
     "new_rows FOR EACH STATEMENT", "goldspan_tally_documents_inserted"),
    ("tally_document_move", "document", "AFTER UPDATE ON document REFERENCING OLD TABLE AS "
     "old_rows NEW TABLE AS new_rows FOR EACH STATEMENT", "goldspan_tally_documents_moved"),
    ("tally_document_delete", "document", "BEFORE DELETE ON document FOR EACH ROW",
     "goldspan_tally_document_deleted"),
    ("tally_annotation_insert", "annotation",
     f"AFTER INSERT ON annotation FOR EACH ROW WHEN ({counted('NEW')})",
     "goldspan_tally_annotation"),
    ("tally_annotation_delete", "annotation",
     f"AFTER DELETE ON annotation FOR EACH ROW WHEN ({counted('OLD')})",
     "goldspan_tally_annotation"),
    ("tally_annotation_update", "annotation", "AFTER UPDATE OF status, kind, annotator, "
     f"document_id ON annotation FOR EACH ROW WHEN ({_CHANGED})", "goldspan_tally_annotation"),
    ("count_span_insert", "span", "AFTER INSERT ON span FOR EACH ROW", "goldspan_count_spans"),
    ("count_span_delete", "span", "AFTER DELETE ON span FOR EACH ROW", "goldspan_count_spans"),
    ("count_span_move", "span", "AFTER UPDATE OF annotation_id ON span FOR EACH ROW WHEN "
     "(OLD.annotation_id <> NEW.annotation_id)", "goldspan_count_spans"),
]


def install(db: Database) -> None:
    """Counts what the store holds now, then keeps counting: the triggers. Run inside the
    schema step's transaction, so no change slips between the count and the triggers."""
    db.execute_sql("DELETE FROM annotator_tally")
    db.execute_sql("DELETE FROM dataset_tally")
    db.execute_sql(
        "INSERT INTO dataset_tally (dataset_id, documents, predicted) SELECT d.id, "
        "(SELECT count(*) FROM document x WHERE x.dataset_id = d.id), "
        "(SELECT count(*) FROM annotation a JOIN document x ON x.id = a.document_id "
        " WHERE x.dataset_id = d.id AND a.annotator IS NULL) FROM dataset d")
    db.execute_sql(
        "INSERT INTO annotator_tally (dataset_id, annotator, done) "
        "SELECT x.dataset_id, a.annotator, count(*) FROM annotation a "
        f"JOIN document x ON x.id = a.document_id WHERE {finished('a')} "
        "GROUP BY x.dataset_id, a.annotator")
    db.execute_sql("UPDATE annotation SET span_count = (SELECT count(*) FROM span "
                   "WHERE span.annotation_id = annotation.id) "
                   "WHERE id IN (SELECT annotation_id FROM span)")
    if isinstance(db, PostgresqlDatabase):
        for function in POSTGRES_FUNCTIONS:
            db.execute_sql(function)
        for name, table, when, function in POSTGRES_TRIGGERS:
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            db.execute_sql(f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION {function}()")
    else:
        for trigger in sqlite_triggers():
            db.execute_sql(trigger)


def progress(dataset_id: int, annotator: str) -> tuple[int, int]:
    """(documents the annotator has finished, documents in the dataset): two lookups."""
    done = (AnnotatorTally.select(AnnotatorTally.done)
            .where((AnnotatorTally.dataset_id == dataset_id)
                   & (AnnotatorTally.annotator == annotator)).scalar())
    return done or 0, documents(dataset_id)


def documents(dataset_id: int) -> int:
    return DatasetTally.select(DatasetTally.documents).where(
        DatasetTally.dataset_id == dataset_id).scalar() or 0


def unpredicted(dataset_id: int) -> int:
    """Documents of the dataset without the model's predictions yet."""
    row = (DatasetTally.select(DatasetTally.documents - DatasetTally.predicted)
           .where(DatasetTally.dataset_id == dataset_id).scalar())
    return row or 0


def recount(dataset_id: int) -> dict:
    """What counting afresh finds, in the shape `kept` answers: to check the counters."""
    docs = Document.select().where(Document.dataset == dataset_id)
    predicted = (Annotation.select().join(Document)
                 .where((Document.dataset == dataset_id) & Annotation.annotator.is_null()))
    done = (Annotation.select(Annotation.annotator, fn.COUNT(Annotation.id)).join(Document)
            .where((Document.dataset == dataset_id) & Annotation.annotator.is_null(False)
                   & (Annotation.kind == OWN) & (Annotation.status != "pending"))
            .group_by(Annotation.annotator).tuples())
    spans = (Span.select(fn.COUNT(Span.id)).where(Span.annotation == Annotation.id))
    wrong = (Annotation.select().join(Document)
             .where((Document.dataset == dataset_id) & (Annotation.span_count != spans)))
    return {"documents": docs.count(), "predicted": predicted.count(), "done": dict(done),
            "wrong_span_counts": wrong.count()}


def kept(dataset_id: int) -> dict:
    """What the counters say, in the shape `recount` answers."""
    documents_, predicted = (DatasetTally.select(DatasetTally.documents, DatasetTally.predicted)
                             .where(DatasetTally.dataset_id == dataset_id).tuples().first()
                             or (None, None))
    done = dict(AnnotatorTally.select(AnnotatorTally.annotator, AnnotatorTally.done)
                .where((AnnotatorTally.dataset_id == dataset_id) & (AnnotatorTally.done != 0))
                .tuples())
    return {"documents": documents_, "predicted": predicted, "done": done,
            "wrong_span_counts": 0}
