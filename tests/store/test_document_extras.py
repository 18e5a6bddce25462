"""The window reads a document's meta, as imported, through the store."""
from annotate.document import TextDocument
from store.document_extras import document_meta
from store.models import Document
from store.queries import add_documents

RELATIONS = {"doccano": {"entity_ids": {"0-4-GPE": 1}, "relations": []}, "id": 7}


def test_a_documents_meta_comes_back_as_imported(store):
    add_documents(store.id, [TextDocument("Lyon.", meta=RELATIONS), TextDocument("Rome.")])
    lyon, rome = (d.id for d in Document.select().order_by(Document.id))
    assert document_meta(lyon) == RELATIONS
    assert document_meta(rome) == {}
    assert document_meta(rome + 100) == {}
