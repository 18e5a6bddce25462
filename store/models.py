"""peewee models. Bound to `database`, a proxy that `store.db.open_database` initialises."""
from __future__ import annotations

from datetime import datetime, timezone

from peewee import (
    SQL, BlobField, BooleanField, CharField, DatabaseProxy, DateTimeField, DoubleField, ForeignKeyField, IntegerField,
    Model, TextField,
)

database = DatabaseProxy()


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Dataset(BaseModel):
    name = CharField(unique=True)
    mode = CharField(default="entities")  # annotate.spans.Mode
    # How many people should annotate each document. The SQL default lets a migration add
    # the column without rebuilding the table.
    annotators_per_document = IntegerField(default=1, constraints=[SQL("DEFAULT 1")])
    created = DateTimeField(default=utc_now)
    # Set while an import fills this hidden dataset a chunk at a time: the documents move to
    # the target in one short transaction at the end, so a killed import is invisible.
    staging_of = ForeignKeyField("self", null=True, on_delete="CASCADE",
                                 constraints=[SQL("DEFAULT NULL")])


class Label(BaseModel):
    dataset = ForeignKeyField(Dataset, backref="labels", on_delete="CASCADE")
    name = CharField()
    colour = CharField()
    key = CharField(null=True)
    description = TextField(default="")
    position = IntegerField()

    class Meta:
        indexes = ((("dataset", "name"), True),)


class Document(BaseModel):
    dataset = ForeignKeyField(Dataset, backref="documents", on_delete="CASCADE")
    text = TextField()
    content_hash = CharField(max_length=64)  # sha256 of the text: finds duplicates
    meta = TextField(default="{}")  # JSON object
    source = CharField(default="")  # the file it came from
    created = DateTimeField(default=utc_now)
    # Token boundaries made at import (annotate.stored_tokens), and by which tokenizer:
    # opening and exporting read them instead of tokenizing again. NULL: not made yet.
    tokens = BlobField(null=True)
    tokenizer = CharField(null=True)

    class Meta:
        indexes = ((("dataset", "content_hash"), True),)


class Annotation(BaseModel):
    """One set of spans on a document: an annotator's, or (annotator NULL) the model's.

    Its kind (annotate.versions.Kind) says which version it is: a person's own work, a
    reviewer's correction of that work (`based_on` it, under the same annotator's name, the
    original kept), or the adjudicated version settling several people's annotations.
    """

    document = ForeignKeyField(Document, backref="annotations", on_delete="CASCADE")
    annotator = CharField(null=True)
    kind = CharField(default="annotation", constraints=[SQL("DEFAULT 'annotation'")])
    based_on = ForeignKeyField("self", null=True, backref="versions", on_delete="CASCADE")
    status = CharField(default="pending")
    created = DateTimeField(default=utc_now)
    updated = DateTimeField(default=utc_now, index=True)
    # Moves on by one with every write; a write names the revision it was based on and is
    # refused if the annotation moved (optimistic concurrency, the same on every backend).
    revision = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])
    # The adjudicated version's inputs when it was last written, {annotation id: revision}
    # as JSON: any change to them since makes it stale.
    basis = TextField(null=True)
    # Partial work (Prodigy's binary answers): its spans are known gold, every other token is
    # unknown; `rejected` holds the suggestions answered "no" as JSON [[start, end, label]].
    partial = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])
    rejected = TextField(null=True)
    # How many spans it has, kept by the store with every span written (store/span_counts.py):
    # the document list sorts by it through an index.
    span_count = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])


# One annotation of each kind per annotator per document, at most one set of predictions
# and at most one adjudicated version of a document.
Annotation.add_index(
    Annotation.index(Annotation.document, Annotation.annotator, Annotation.kind, unique=True,
                     name="annotation_one_per_person")
)
Annotation.add_index(
    Annotation.index(Annotation.document, unique=True, name="annotation_one_prediction")
    .where(Annotation.annotator.is_null())
)
Annotation.add_index(
    Annotation.index(Annotation.document, unique=True, name="annotation_one_adjudicated")
    .where(Annotation.kind == "adjudicated")
)


class Span(BaseModel):
    annotation = ForeignKeyField(Annotation, backref="spans", on_delete="CASCADE")
    start = IntegerField()
    end = IntegerField()
    label = CharField()
    source = CharField(default="")
    value = DoubleField(null=True)  # parsed number, where the span states one

    class Meta:
        indexes = ((("annotation", "start", "end"), False),)


class Review(BaseModel):
    """A QA check of one accepted annotation: drawn into a sample, then passed or failed."""

    annotation = ForeignKeyField(Annotation, backref="reviews", on_delete="CASCADE",
                                 unique=True)  # each annotation is drawn at most once
    sample = CharField()  # the name of the review queue it was drawn into
    reviewer = CharField(null=True)
    verdict = CharField(default="pending")  # pending, pass, fail
    categories = TextField(default="[]")  # JSON list of error categories
    comment = TextField(default="")
    created = DateTimeField(default=utc_now)
    reviewed = DateTimeField(null=True)
    revision = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])  # as Annotation's


class Settled(BaseModel):
    """A conflict the adjudicator settled: the region of the text it covers."""

    annotation = ForeignKeyField(Annotation, backref="settled", on_delete="CASCADE")
    start = IntegerField()
    end = IntegerField()

    class Meta:
        indexes = ((("annotation", "start", "end"), True),)


class DatasetTally(BaseModel):
    """How many documents a dataset holds. Kept by the database's own triggers
    (store/counters.py) in the transaction of every change, whoever makes it; never written
    by Goldspan's code. No foreign key: a trigger removes the row with its dataset, and a
    key's check would refuse the last counts a cascade makes."""

    dataset_id = IntegerField(primary_key=True)
    documents = IntegerField(default=0)
    # Of them, how many have the model's predictions: the document list looks for those
    # without only when there are some.
    predicted = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])


class AnnotatorTally(BaseModel):
    """How many documents of a dataset a person has finished (their own work, in any status
    but pending). Kept by triggers, as DatasetTally."""

    dataset_id = IntegerField()
    annotator = CharField()
    done = IntegerField(default=0)

    class Meta:
        indexes = ((("dataset_id", "annotator"), True),)


MODELS = (Dataset, Label, Document, Annotation, Span, Review, Settled, DatasetTally,
          AnnotatorTally)
