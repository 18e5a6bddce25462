"""Counts kept by the database itself: documents per dataset (and of them those with the
model's predictions), and documents each person has finished per dataset.

Triggers keep them, so every change is counted in the transaction that makes it, whoever
makes it: the window, an import with --annotator, an undo, a staged import moving its
documents in, a deleted document taking its annotations along, another process, a
hand-written UPDATE. Reading one is an indexed lookup, where counting read the whole
dataset (400 ms at a million documents). Goldspan's code never writes them; `recount`
says what a fresh count finds, and tests compare the two after every kind of change.

Finished work: a person's own annotation (kind "annotation") in any status but pending.
The model's spans are not counted here: no trigger runs for what an import or
pre-annotation writes by the million, beyond one per document (a count per span cost a
third more per imported document on SQLite, and doubled it on PostgreSQL; the store keeps
each annotation's span count itself, store/span_counts.py).

On SQLite the triggers work per row (a row is updated in place there). On PostgreSQL
documents inserted or moved are counted once per statement: a staged import moves a
million documents in one UPDATE, and updating one counter row a million times in one
transaction would walk an ever longer chain of that row's versions. The rest is per row.
"""
from __future__ import annotations

from peewee import Database, PostgresqlDatabase, fn

from annotate.versions import OWN
from store.models import Annotation, AnnotatorTally, DatasetTally, Document


def finished(row: str) -> str:
    """SQL: the annotation `row` is a person's own finished work."""
    return (f"{row}.annotator IS NOT NULL AND {row}.kind = '{OWN}' "
            f"AND {row}.status <> 'pending'")


# SQLite


def _sqlite_annotation(row: str, sign: str) -> list[str]:
    """Statements counting (sign +) or uncounting (-) one annotation row (NEW or OLD), if it
    is finished work. The document may be gone (its delete cascading here): it was
    uncounted with it then."""
    dataset = f"(SELECT dataset_id FROM document WHERE id = {row}.document_id)"
    statements = []
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
    """Statements counting (+) or uncounting (-) a document in `dataset`."""
    return [f"UPDATE dataset_tally SET documents = documents {sign} 1 "
            f"WHERE dataset_id = {dataset}"]


def _predicted(document: str) -> str:
    """SQL: the document has the model's predictions."""
    return (f"EXISTS (SELECT 1 FROM annotation WHERE document_id = {document} "
            "AND annotator IS NULL)")


def _sqlite_prediction(row: str, sign: str) -> list[str]:
    """Counting (+) or uncounting (-) one annotation row of the model's. The document may
    be gone (its delete cascading here): it was uncounted with it then."""
    return [f"UPDATE dataset_tally SET predicted = predicted {sign} 1 WHERE dataset_id = "
            f"(SELECT dataset_id FROM document WHERE id = {row}.document_id)"]


def _people(document: str) -> str:
    return (f"SELECT annotator FROM annotation WHERE document_id = {document} "
            f"AND {finished('annotation')}")


def _sqlite_work(document: str, dataset: str, sign: str) -> list[str]:
    """Statements counting (+) or uncounting (-) the work finished on a document, in
    `dataset`."""
    people = _people(document)
    statements = []
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
        # A leftover row (a raw connection deleted a dataset without foreign keys on, and
        # its id came back) is replaced.
        _trigger("tally_dataset_insert", "AFTER INSERT ON dataset",
                 ["INSERT OR REPLACE INTO dataset_tally (dataset_id, documents) "
                  "VALUES (NEW.id, 0)",
                  "DELETE FROM annotator_tally WHERE dataset_id = NEW.id"]),
        _trigger("tally_dataset_delete", "AFTER DELETE ON dataset",
                 ["DELETE FROM dataset_tally WHERE dataset_id = OLD.id",
                  "DELETE FROM annotator_tally WHERE dataset_id = OLD.id"]),
        _trigger("tally_document_insert", "AFTER INSERT ON document",
                 ["UPDATE dataset_tally SET documents = documents + 1 "
                  "WHERE dataset_id = NEW.dataset_id"]),
        # Before: its annotations are still there to uncount (a cascade deletes them after).
        _trigger("tally_document_delete", "BEFORE DELETE ON document",
                 _sqlite_document("OLD.id", "OLD.dataset_id", "-")
                 + _sqlite_work("OLD.id", "OLD.dataset_id", "-")),
        _trigger("tally_document_move", "AFTER UPDATE OF dataset_id ON document",
                 _sqlite_document("NEW.id", "OLD.dataset_id", "-")
                 + _sqlite_document("NEW.id", "NEW.dataset_id", "+"),
                 "OLD.dataset_id <> NEW.dataset_id"),
        # Apart, so that a staged import's documents without people's work (most of them)
        # cost one look each.
        _trigger("tally_document_move_work", "AFTER UPDATE OF dataset_id ON document",
                 _sqlite_work("NEW.id", "OLD.dataset_id", "-")
                 + _sqlite_work("NEW.id", "NEW.dataset_id", "+"),
                 f"OLD.dataset_id <> NEW.dataset_id AND EXISTS ({_people('NEW.id')})"),
        _trigger("tally_document_delete_predicted", "BEFORE DELETE ON document",
                 ["UPDATE dataset_tally SET predicted = predicted - 1 "
                  "WHERE dataset_id = OLD.dataset_id"], _predicted("OLD.id")),
        _trigger("tally_document_move_predicted", "AFTER UPDATE OF dataset_id ON document",
                 ["UPDATE dataset_tally SET predicted = predicted - 1 "
                  "WHERE dataset_id = OLD.dataset_id",
                  "UPDATE dataset_tally SET predicted = predicted + 1 "
                  "WHERE dataset_id = NEW.dataset_id"],
                 f"OLD.dataset_id <> NEW.dataset_id AND {_predicted('NEW.id')}"),
        _trigger("tally_prediction_insert", "AFTER INSERT ON annotation",
                 _sqlite_prediction("NEW", "+"), "NEW.annotator IS NULL"),
        _trigger("tally_prediction_delete", "AFTER DELETE ON annotation",
                 _sqlite_prediction("OLD", "-"), "OLD.annotator IS NULL"),
        _trigger("tally_prediction_update", "AFTER UPDATE OF annotator, document_id ON "
                 "annotation", [f"UPDATE dataset_tally SET predicted = predicted "
                                f"{sign} ({row}.annotator IS NULL) WHERE dataset_id = (SELECT "
                                f"dataset_id FROM document WHERE id = {row}.document_id)"
                                for row, sign in (("OLD", "-"), ("NEW", "+"))],
                 "(OLD.annotator IS NULL OR NEW.annotator IS NULL) AND "
                 "(OLD.annotator IS NOT NEW.annotator OR OLD.document_id <> NEW.document_id)"),
        _trigger("tally_annotation_insert", "AFTER INSERT ON annotation",
                 _sqlite_annotation("NEW", "+"), finished("NEW")),
        _trigger("tally_annotation_delete", "AFTER DELETE ON annotation",
                 _sqlite_annotation("OLD", "-"), finished("OLD")),
        _trigger("tally_annotation_update",
                 "AFTER UPDATE OF status, kind, annotator, document_id ON annotation",
                 _sqlite_annotation("OLD", "-") + _sqlite_annotation("NEW", "+"), changed),
    ]


# PostgreSQL


def _plpgsql(name: str, body: str, declare: str = "") -> str:
    return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"{declare} BEGIN {body} RETURN NULL; END $$")


# The documents a statement moved to another dataset, from its transition tables.
_MOVED = ("moved AS (SELECT o.id, o.dataset_id AS source, n.dataset_id AS target "
          "FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.dataset_id <> n.dataset_id)")

POSTGRES_FUNCTIONS = [
    _plpgsql("goldspan_tally_dataset", """
        INSERT INTO dataset_tally (dataset_id, documents) VALUES (NEW.id, 0)
            ON CONFLICT (dataset_id) DO UPDATE SET documents = 0;
        DELETE FROM annotator_tally WHERE dataset_id = NEW.id;"""),
    _plpgsql("goldspan_tally_dataset_deleted", """
        DELETE FROM dataset_tally WHERE dataset_id = OLD.id;
        DELETE FROM annotator_tally WHERE dataset_id = OLD.id;"""),
    _plpgsql("goldspan_tally_documents_inserted", """
        UPDATE dataset_tally t SET documents = t.documents + n.count
            FROM (SELECT dataset_id, count(*) AS count FROM new_rows GROUP BY dataset_id) n
            WHERE t.dataset_id = n.dataset_id;"""),
    # From the statement's transition tables: the documents it moved to another dataset,
    # and the finished work on them; each counter row changed once, by its net change.
    _plpgsql("goldspan_tally_documents_moved", f"""
        IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                       WHERE o.dataset_id <> n.dataset_id) THEN
            RETURN NULL;  -- most updates of documents move none (their tokens, say)
        END IF;
        WITH {_MOVED}, marked AS (SELECT moved.*, ({_predicted('moved.id')})::int AS p
                                  FROM moved),
            change AS (SELECT source AS dataset_id, -1 AS documents, -p AS predicted
                       FROM marked UNION ALL SELECT target, 1, p FROM marked)
        UPDATE dataset_tally t SET documents = t.documents + net.documents,
            predicted = t.predicted + net.predicted
            FROM (SELECT dataset_id, sum(documents) AS documents, sum(predicted) AS predicted
                  FROM change GROUP BY dataset_id) net
            WHERE t.dataset_id = net.dataset_id;
        WITH {_MOVED},
            work AS (SELECT moved.source, moved.target, a.annotator FROM moved
                JOIN annotation a ON a.document_id = moved.id WHERE {finished('a')}),
            change AS (SELECT source AS dataset_id, annotator, -1 AS done FROM work
                UNION ALL SELECT target, annotator, 1 FROM work)
        INSERT INTO annotator_tally (dataset_id, annotator, done)
            SELECT dataset_id, annotator, sum(done) FROM change
            GROUP BY dataset_id, annotator HAVING sum(done) <> 0
            ON CONFLICT (dataset_id, annotator)
            DO UPDATE SET done = annotator_tally.done + EXCLUDED.done;"""),
    # Before the delete: its annotations are still there to uncount.
    _plpgsql("goldspan_tally_document_deleted", f"""
        UPDATE dataset_tally SET documents = documents - 1,
            predicted = predicted - ({_predicted('OLD.id')})::int
            WHERE dataset_id = OLD.dataset_id;
        UPDATE annotator_tally SET done = done - 1 WHERE dataset_id = OLD.dataset_id
            AND annotator IN (SELECT annotator FROM annotation
                WHERE document_id = OLD.id AND {finished('annotation')});
        RETURN OLD;"""),
    # The document may be gone (its delete cascading here): it was uncounted with it then.
    _plpgsql("goldspan_tally_annotation", f"""
        IF TG_OP <> 'INSERT' AND {finished('OLD')} THEN
            UPDATE annotator_tally SET done = done - 1 WHERE annotator = OLD.annotator
                AND dataset_id = (SELECT dataset_id FROM document WHERE id = OLD.document_id);
        END IF;
        IF TG_OP <> 'DELETE' AND {finished('NEW')} THEN
            SELECT dataset_id INTO target FROM document WHERE id = NEW.document_id;
            INSERT INTO annotator_tally (dataset_id, annotator, done)
                VALUES (target, NEW.annotator, 1) ON CONFLICT (dataset_id, annotator)
                DO UPDATE SET done = annotator_tally.done + 1;
        END IF;""", declare="DECLARE target integer;"),
    # The same for the model's annotations (a document gone: uncounted with it).
    _plpgsql("goldspan_tally_prediction", """
        IF TG_OP <> 'INSERT' AND OLD.annotator IS NULL THEN
            UPDATE dataset_tally SET predicted = predicted - 1 WHERE dataset_id =
                (SELECT dataset_id FROM document WHERE id = OLD.document_id);
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.annotator IS NULL THEN
            UPDATE dataset_tally SET predicted = predicted + 1 WHERE dataset_id =
                (SELECT dataset_id FROM document WHERE id = NEW.document_id);
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
    ("tally_prediction_insert", "annotation",
     "AFTER INSERT ON annotation FOR EACH ROW WHEN (NEW.annotator IS NULL)",
     "goldspan_tally_prediction"),
    ("tally_prediction_delete", "annotation",
     "AFTER DELETE ON annotation FOR EACH ROW WHEN (OLD.annotator IS NULL)",
     "goldspan_tally_prediction"),
    ("tally_prediction_update", "annotation", "AFTER UPDATE OF annotator, document_id ON "
     "annotation FOR EACH ROW WHEN ((OLD.annotator IS NULL OR NEW.annotator IS NULL) AND "
     "(OLD.annotator IS DISTINCT FROM NEW.annotator OR OLD.document_id <> NEW.document_id))",
     "goldspan_tally_prediction"),
    ("tally_annotation_insert", "annotation",
     f"AFTER INSERT ON annotation FOR EACH ROW WHEN ({finished('NEW')})",
     "goldspan_tally_annotation"),
    ("tally_annotation_delete", "annotation",
     f"AFTER DELETE ON annotation FOR EACH ROW WHEN ({finished('OLD')})",
     "goldspan_tally_annotation"),
    ("tally_annotation_update", "annotation", "AFTER UPDATE OF status, kind, annotator, "
     f"document_id ON annotation FOR EACH ROW WHEN ({_CHANGED})", "goldspan_tally_annotation"),
]


def install(db: Database) -> None:
    """Counts what the store holds now, then keeps counting: the triggers. Run inside the
    schema step's transaction, so no change slips between the count and the triggers."""
    db.execute_sql("DELETE FROM annotator_tally")
    db.execute_sql("DELETE FROM dataset_tally")
    db.execute_sql("INSERT INTO dataset_tally (dataset_id, documents, predicted) SELECT d.id, "
                   "(SELECT count(*) FROM document x WHERE x.dataset_id = d.id), "
                   f"(SELECT count(*) FROM document x WHERE x.dataset_id = d.id "
                   f"AND {_predicted('x.id')}) FROM dataset d")
    db.execute_sql(
        "INSERT INTO annotator_tally (dataset_id, annotator, done) "
        "SELECT x.dataset_id, a.annotator, count(*) FROM annotation a "
        f"JOIN document x ON x.id = a.document_id WHERE {finished('a')} "
        "GROUP BY x.dataset_id, a.annotator")
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
    """How many documents the dataset holds."""
    return DatasetTally.select(DatasetTally.documents).where(
        DatasetTally.dataset_id == dataset_id).scalar() or 0


def without_predictions(dataset_id: int) -> int:
    """How many documents of the dataset have no predictions: one lookup."""
    found = DatasetTally.select(DatasetTally.documents - DatasetTally.predicted).where(
        DatasetTally.dataset_id == dataset_id).scalar()
    return found or 0


def recount(dataset_id: int) -> dict:
    """What counting afresh finds, in the shape `kept` answers: to check the counters."""
    done = (Annotation.select(Annotation.annotator, fn.COUNT(Annotation.id)).join(Document)
            .where((Document.dataset == dataset_id) & Annotation.annotator.is_null(False)
                   & (Annotation.kind == OWN) & (Annotation.status != "pending"))
            .group_by(Annotation.annotator).tuples())
    predicted = Annotation.select().join(Document).where(
        (Document.dataset == dataset_id) & Annotation.annotator.is_null()).count()
    return {"documents": Document.select().where(Document.dataset == dataset_id).count(),
            "predicted": predicted, "done": dict(done)}


def kept(dataset_id: int) -> dict:
    """What the counters say, in the shape `recount` answers (documents None: no row)."""
    done = dict(AnnotatorTally.select(AnnotatorTally.annotator, AnnotatorTally.done)
                .where((AnnotatorTally.dataset_id == dataset_id) & (AnnotatorTally.done != 0))
                .tuples())
    counts = (DatasetTally.select(DatasetTally.documents, DatasetTally.predicted)
              .where(DatasetTally.dataset_id == dataset_id).tuples().first())
    documents, predicted = counts or (None, None)
    return {"documents": documents, "predicted": predicted, "done": done}
