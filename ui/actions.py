"""Every command of the window, declared once: menus, toolbar, shortcuts and the help
sheet are built from this table."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActionSpec:
    id: str  # also the name of the method that handles it (the window's, or its QA docks')
    title: str
    shortcuts: tuple[str, ...]
    menu: str
    checkable: bool = False
    on_toolbar: bool = False


ACTIONS = (
    ActionSpec("import_documents", "&Import documents…", ("Ctrl+O",), "File"),
    ActionSpec("preannotate_documents", "&Pre-annotate new documents", ("Ctrl+Shift+P",),
               "File"),
    ActionSpec("export_documents", "&Export accepted documents…", ("Ctrl+E",), "File"),
    ActionSpec("quit", "&Quit", ("Ctrl+Q",), "File"),
    ActionSpec("accept", "&Accept and next", ("A",), "Document", on_toolbar=True),
    ActionSpec("reject", "Re&ject and next", ("X",), "Document", on_toolbar=True),
    ActionSpec("skip", "&Skip and next", ("Space",), "Document", on_toolbar=True),
    # PageUp/PageDown scroll the article, as in every text view.
    ActionSpec("next_document", "&Next document", ("Alt+Right", "]"), "Document"),
    ActionSpec("previous_document", "&Previous document", ("Alt+Left", "["), "Document"),
    ActionSpec("undo", "&Undo", ("Ctrl+Z",), "Edit", on_toolbar=True),
    ActionSpec("redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Edit", on_toolbar=True),
    ActionSpec("delete_span", "&Delete span", ("Delete", "Backspace"), "Edit"),
    # Offered when a new span overlaps others in an entity dataset; enabled only then.
    ActionSpec("take_overlap_offer", "Replace the &overlapped spans", ("Return", "Enter"),
               "Edit"),
    ActionSpec("keep_overlapped", "&Keep the overlapped spans", ("Escape",), "Edit"),
    ActionSpec("next_span", "Next span", ("Tab",), "Edit"),
    ActionSpec("previous_span", "Previous span", ("Shift+Tab",), "Edit"),
    ActionSpec("start_left", "Start one token left", ("Shift+Left",), "Edit"),
    ActionSpec("start_right", "Start one token right", ("Shift+Right",), "Edit"),
    ActionSpec("end_left", "End one token left", ("Ctrl+Left",), "Edit"),
    ActionSpec("end_right", "End one token right", ("Ctrl+Right",), "Edit"),
    ActionSpec("label_names", "Label &names on spans", ("Ctrl+Shift+L",), "View",
               checkable=True),
    ActionSpec("character_mode", "Select by &character, not token", ("Ctrl+Shift+C",), "View",
               checkable=True),
    # Differences from the model's spans; while adjudicating, from everyone's.
    ActionSpec("compare", "Show &differences", ("Ctrl+M",), "View", checkable=True,
               on_toolbar=True),
    ActionSpec("review_queue", "&Review queue", ("Ctrl+R",), "QA"),
    ActionSpec("pass_review", "&Pass review and next", ("Ctrl+Return",), "QA"),
    ActionSpec("fail_review", "&Fail review and next", ("Ctrl+Shift+Return",), "QA"),
    ActionSpec("adjudicate", "&Adjudicate this document", ("Ctrl+J",), "QA"),
    ActionSpec("qa_figures", "Agreement and review &figures", ("Ctrl+Shift+F",), "QA"),
    ActionSpec("consistency_cases", "&Consistency cases", ("Ctrl+Shift+K",), "QA"),
    ActionSpec("set_annotators_per_document", "Annotators per &document…", (), "QA"),
    ActionSpec("shortcuts", "&Keyboard shortcuts", ("F1",), "Help"),
    ActionSpec("load_samples", "&Load sample articles", (), "Help"),
)

# Label keys: the first nine labels take 1-9, the rest their own letter from the label set.
DIGIT_KEYS = tuple("123456789")
