"""A document's meta, for the window to show what its source file had besides spans (see
annotate.extras): read-only, and plain data, so the window runs no query of its own."""
from __future__ import annotations

import json

from store.editing import stored
from store.models import Document


@stored
def document_meta(document_id: int) -> dict:
    """The meta the document was imported with ({} for none, or for a document gone);
    EditError if the store cannot be read."""
    row = (Document.select(Document.meta).where(Document.id == document_id)
           .tuples().first())
    meta = json.loads(row[0]) if row and row[0] else {}
    return meta if isinstance(meta, dict) else {}
