"""File > Import: the files and folders to read, and the choices the command line's import
offers, with its defaults: spans off token boundaries (--misaligned), brat's discontinuous
spans (--discontinuous), where a CoNLL document ends (--doc-sep), labels the dataset lacks
(--add-labels) and a label map (--label-map)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
    QLabel, QLineEdit, QListWidget, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from annotate.formats.brat import DISCONTINUOUS_CHOICES
from annotate.formats.checks import MISALIGNED_CHOICES
from annotate.formats.conll import BY_BLANK_LINES, BY_DOCSTART
from annotate.formats.errors import InputError
from annotate.label_map import LabelMap, parse_label_map

FILE_TYPES = ("Documents (*.txt *.jsonl *.ndjson *.json *.spacy *.conll *.iob *.bio *.biluo "
              "*.ann);;All files (*)")
# Where a CoNLL document ends: the value --doc-sep takes (None: by the file), and in words.
DOC_SEPS = {None: "as the file says: at -DOCSTART- lines, else at blank lines",
            BY_DOCSTART: "at -DOCSTART- lines",
            BY_BLANK_LINES: "at each blank line (a document per sentence)",
            "every": "every N sentences"}
ADD_LABELS = "Add labels the dataset lacks to its label set"
LABEL_MAP = "Label map"
# The command line's options, named as this dialog names them: messages from store.jobs
# and the readers say what to choose in the command line's words.
IN_THE_DIALOG = {"--add-labels": f"“{ADD_LABELS}”", "--label-map": f"the “{LABEL_MAP}”",
                 "--misaligned": "“Spans off token boundaries”",
                 "--discontinuous": "“brat's discontinuous spans”",
                 "--doc-sep": "“A CoNLL document ends”"}


@dataclass
class ImportOptions:
    """An import's choices, as `python main.py import` takes them; its defaults."""

    misaligned: str = "refuse"
    discontinuous: str = "refuse"
    doc_sep: str | int | None = None  # None: by the file, as --doc-sep's default
    add_labels: bool = False
    label_map: LabelMap | None = None


def in_dialog_words(message: str) -> str:
    """A message that names command-line options, naming this dialog's choices instead:
    "choose --misaligned keep, expand…" reads "choose keep, expand… under “Spans off
    token boundaries” in the import dialog"."""
    def choose(match: re.Match) -> str:
        return f"choose {match[2]} under {IN_THE_DIALOG[match[1]]} in the import dialog"

    def named(match: re.Match) -> str:
        return f"{IN_THE_DIALOG[match[1]]} in the import dialog"

    options = "|".join(map(re.escape, IN_THE_DIALOG))
    message = re.sub(rf"choose ({options}) ([^.;]+)", choose, message)
    return re.sub(rf"({options})\b", named, message)


class ImportDialog(QDialog):
    """The paths chosen so far, more to add, and the choices; Import is offered once there
    is something to read and a label map, if given, reads."""

    def __init__(self, parent: QWidget | None, paths: list[Path]):
        super().__init__(parent)
        self.setWindowTitle("Import documents")
        self.options = ImportOptions()
        self.files = QListWidget()
        self.files.addItems([str(p) for p in paths])  # items are plain text
        add_files, add_folder, remove = (QPushButton(t) for t in (
            "Add files…", "Add folder…", "Remove"))
        add_files.clicked.connect(self._add_files)
        add_folder.clicked.connect(self._add_folder)
        remove.clicked.connect(self._remove)
        row = QHBoxLayout()
        for button in (add_files, add_folder, remove):
            row.addWidget(button)
        row.addStretch()

        self.misaligned = _choices(MISALIGNED_CHOICES)
        self.discontinuous = _choices(DISCONTINUOUS_CHOICES)
        self.doc_sep = QComboBox()
        for value, words in DOC_SEPS.items():
            self.doc_sep.addItem(words, value)
        self.sentences = QSpinBox(minimum=1, maximum=100_000, value=10, suffix=" sentences")
        self.sentences.setEnabled(False)
        self.doc_sep.currentIndexChanged.connect(
            lambda: self.sentences.setEnabled(self.doc_sep.currentData() == "every"))
        ends = QHBoxLayout()
        ends.addWidget(self.doc_sep, 1)
        ends.addWidget(self.sentences)
        self.add_labels = QCheckBox(f"{ADD_LABELS} (else their spans refuse the import)")
        self.label_map = QLineEdit(placeholderText="none; a file, or OLD=NEW,OLD=NEW")
        self.label_map.textChanged.connect(self._check)
        choose_map = QPushButton("Choose…")
        choose_map.clicked.connect(self._choose_label_map)
        mapping = QHBoxLayout()
        mapping.addWidget(self.label_map, 1)
        mapping.addWidget(choose_map)

        form = QFormLayout()
        form.addRow("Spans off token boundaries:", self.misaligned)
        form.addRow("brat's discontinuous spans:", self.discontinuous)
        form.addRow("A CoNLL document ends:", ends)
        form.addRow("", self.add_labels)
        form.addRow(f"{LABEL_MAP}:", mapping)
        self.problem = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True,
                              styleSheet="color: #b00020")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Files and folders (a folder: its .txt files, or brat's "
                                ".txt/.ann pairs):"))
        layout.addWidget(self.files)
        layout.addLayout(row)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(640, 460)
        self._check()

    def paths(self) -> list[Path]:
        return [Path(self.files.item(i).text()) for i in range(self.files.count())]

    def accept(self) -> None:
        """Keeps the choices and closes; a label map that does not read keeps it open,
        saying why."""
        text = self.label_map.text().strip()
        try:
            label_map = parse_label_map(text) if text else None
        except (InputError, OSError) as error:
            said = str(error).removeprefix("--label-map: ")  # this field, not the option
            self.problem.setText(f"The label map does not read: {said}")
            return
        doc_sep = self.doc_sep.currentData()
        self.options = ImportOptions(
            misaligned=self.misaligned.currentData(),
            discontinuous=self.discontinuous.currentData(),
            doc_sep=self.sentences.value() if doc_sep == "every" else doc_sep,
            add_labels=self.add_labels.isChecked(), label_map=label_map)
        super().accept()

    def _check(self) -> None:
        self.problem.clear()
        self.import_button.setEnabled(self.files.count() > 0)

    def _add_files(self) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(self, "Import documents", "", FILE_TYPES)
        self._add(chosen)

    def _add_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Import a folder")
        self._add([chosen] if chosen else [])

    def _add(self, paths: list[str]) -> None:
        known = {str(p) for p in self.paths()}
        self.files.addItems([p for p in paths if p not in known])
        self._check()

    def _remove(self) -> None:
        for item in self.files.selectedItems():
            self.files.takeItem(self.files.row(item))
        self._check()

    def _choose_label_map(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Label map", "", "Label maps (*.json *.txt *.tsv);;All files (*)")
        if chosen:
            self.label_map.setText(chosen)


def _choices(choices: dict[str, str]) -> QComboBox:
    """`name: what it does` per choice, the first (the command line's default) chosen."""
    box = QComboBox()
    for name, meaning in choices.items():
        box.addItem(f"{name}: {meaning}", name)
    return box
