"""Saves the window, light and dark, on the pre-annotated sample articles.

    python tests/ui/screenshots.py OUT_FOLDER

The README's picture comes from here (resources/screenshots/).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtGui import QColor, QPalette  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotate.labels import load_label_set  # noqa: E402
from annotate.preannotate import PipelineSpec, default_model  # noqa: E402
from annotate.spans import Mode  # noqa: E402
from store import jobs  # noqa: E402
from store.db import open_database  # noqa: E402
from store.queries import find_dataset  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#2b2b2b"),
                         (QPalette.ColorRole.WindowText, "#e6e6e6"),
                         (QPalette.ColorRole.Base, "#1e1e1e"),
                         (QPalette.ColorRole.AlternateBase, "#262626"),
                         (QPalette.ColorRole.Text, "#e6e6e6"),
                         (QPalette.ColorRole.Button, "#333333"),
                         (QPalette.ColorRole.ButtonText, "#e6e6e6"),
                         (QPalette.ColorRole.Highlight, "#3d6fb4"),
                         (QPalette.ColorRole.HighlightedText, "#ffffff"),
                         (QPalette.ColorRole.PlaceholderText, "#9a9a9a")):
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.Text):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#767676"))
    return palette


def main(out: Path) -> None:
    app = QApplication.instance() or QApplication([])
    app.setStyle("Fusion")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        open_database(Path(folder) / "shots.db")
        jobs.store_documents("news", load_label_set(), Mode.ENTITIES,
                             jobs.read_inputs([ROOT / "resources" / "samples"]))
        dataset = find_dataset("news")
        jobs.preannotate_dataset(dataset, PipelineSpec(default_model()))
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        for name, palette in (("light", app.style().standardPalette()),
                              ("dark", dark_palette())):
            app.setPalette(palette)
            window = MainWindow(dataset, "ana", settings)
            window.resize(1400, 820)
            window.show()
            window.table.selectRow(0)
            window.editor.select_next(+1)
            window.editor.select_next(+1)
            window.editor.select_next(+1)
            window.article.verticalScrollBar().setValue(0)
            app.processEvents()
            window.grab().save(str(out / f"window-{name}.png"))
            if name == "light":  # fix two of the model's mistakes, then compare with it
                window.editor.delete_selected()  # "BAY" is no LOC
                window.editor.click(window.session.text.index("Varro"))
                window.editor.choose_label("LOC")  # a river, not a PERSON
                window.actions_by_id["compare"].trigger()
                window.article.verticalScrollBar().setValue(0)
                app.processEvents()
                window.article.grab().save(str(out / "article-compare.png"))
            window.close()
        app.setPalette(app.style().standardPalette())
        qa_screens(app, dataset, settings, out)


def qa_screens(app: QApplication, dataset, settings: QSettings, out: Path) -> None:
    """Two people's work on the first articles, one reviewed and one adjudicated."""
    from dataclasses import replace

    from store.editing import open_annotation
    from store.queries import current_documents, save_annotation
    from store.records import AnnotationKey
    from store.reviews import create_sample, reviewable

    first, second = list(current_documents(dataset.id, "any"))[:2]
    for doc in (first, second):
        model = list(open_annotation(AnnotationKey(doc.id, "model-copy")).predictions)
        save_annotation(doc.id, "ana", model, "accepted")
        changed = [replace(s, label="ORG") if s.label == "GPE" else s for s in model[1:]]
        save_annotation(doc.id, "ben", changed, "accepted")
    create_sample([annotation for _, annotation in reviewable(dataset.id)], "screenshots")
    window = MainWindow(dataset, "rita", settings)
    window.resize(1400, 820)
    window.show()
    window.qa.review_queue()
    window.qa.review.decide("pass")
    app.processEvents()
    window.grab().save(str(out / "window-review.png"))
    window.open_document(first.id)
    window.qa.adjudicate()
    window.editor.undo_stack.clear()
    window.qa.adjudication.settle_with(1)
    window.article.verticalScrollBar().setValue(0)
    app.processEvents()
    window.grab().save(str(out / "window-adjudication.png"))
    window.qa.qa_figures()
    app.processEvents()
    window.grab().save(str(out / "window-figures.png"))
    window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
