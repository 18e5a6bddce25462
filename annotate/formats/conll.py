"""CoNLL-style NER files: a token per line, its tag in the last column (other columns, such
as CoNLL-2003's part of speech and chunk, in between), a blank line between sentences and
`-DOCSTART-` lines between documents.

The tag scheme is found per file, in a first pass over it: IO (only I- tags), IOB1 (I-
starts an entity, B- only between two entities of one label), IOB2 (B- starts every
entity), BILUO or BIOES. Tag prefixes are read in either case; labels are kept as written.
A file that mixes schemes is refused with the line, never decoded by guess.

Documents end at `-DOCSTART-` lines, at every blank line (one sentence, one document: WNUT17's
tweets), or every N sentences (`doc_sep`). By default a file with `-DOCSTART-` lines is split
there and a file without them at blank lines.

A document's text is rebuilt from its tokens: single spaces between tokens, a newline between
sentences, so the tokens can be read back from the text. meta["conll"] keeps what else the
file said (scheme, extra columns, the `-DOCSTART-` line, tabs), and write_conll writes such a
document over its own tokens in its own scheme, so `conlleval` lines up with the original
file. Other documents are written in IOB2 over spaCy's tokens, which
`python -m spacy convert FILE OUT --converter ner` reads back to the same entities.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator


from annotate.document import (
    ExportableDocument, ExportReport, Misaligned, TextDocument, complete_only,
)
from annotate.formats.checks import IMPORT_SOURCE, checked_label, checked_text
from annotate.formats.errors import InputError
from annotate.spans import Span
from annotate.stored_tokens import document_doc

DOCSTART = "-DOCSTART-"
DOCSTART_LINE = "-DOCSTART- -X- O O"  # as spaCy's converter writes it
META_KEY = "conll"  # the document meta key this format keeps its own things under
BY_DOCSTART, BY_BLANK_LINES = "docstart", "blank-lines"
PREFIXES = {"B", "I", "L", "U", "E", "S"}
BIOES_TO_BILUO = {"E": "L", "S": "U"}
SCHEME_NAMES = {"IO": "IO (I- and O only)", "IOB1": "IOB1", "IOB2": "IOB2", "BILUO": "BILUO",
                "BIOES": "BIOES", "none": "no entity tags (O only)"}


def parse_doc_sep(value: str | int | None) -> str | int | None:
    """`docstart`, `blank-lines` or a number of sentences per document (None: by the file).
    ValueError says what is wrong, for the command line to show."""
    if value is None or value in (BY_DOCSTART, BY_BLANK_LINES, "auto"):
        return None if value == "auto" else value
    number = value if isinstance(value, int) else int(value) if str(value).isdigit() else 0
    if number < 1 or isinstance(value, bool):
        raise ValueError(f"--doc-sep takes {BY_DOCSTART}, {BY_BLANK_LINES} or a number of "
                         f"sentences per document, not {value!r}")
    return number


@dataclass
class _Survey:
    """What a first pass over a file found: enough to decode it in the second."""

    scheme: str = "none"
    docstart: bool = False
    columns: int = 0  # fields per token line
    separator: str = " "
    lower_prefixes: bool = False  # every B-/I-/... written b-/i-/...
    lower_o: bool = False  # every O written o
    first_of: dict = field(default_factory=dict)  # prefix or IOB habit -> (line, tag)


def read_conll(path: Path, doc_sep: str | int | None = None) -> Iterator[TextDocument]:
    """Documents one at a time (the file is read twice, each time in constant memory: first
    for its tag scheme, then for its documents)."""
    doc_sep = parse_doc_sep(doc_sep)
    survey = _survey(path)
    if doc_sep is None:
        doc_sep = BY_DOCSTART if survey.docstart else BY_BLANK_LINES
    yield from _documents(path, survey, doc_sep)


def describe(meta: dict) -> str | None:
    """What the reader decided about a document's file, for the import's output, e.g.
    "IOB1 tags; a document per blank-line block (the file has no -DOCSTART-)"."""
    conll = meta.get(META_KEY)
    if not isinstance(conll, dict):
        return None
    sep = conll.get("doc_sep")
    split = ("a document per -DOCSTART- line" if sep == BY_DOCSTART
             else "a document per blank-line block (--doc-sep changes it)"
             if sep == BY_BLANK_LINES else f"a document per {sep} sentences")
    return f"{SCHEME_NAMES.get(conll.get('scheme'), conll.get('scheme'))} tags; {split}"


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with open(path, "rb") as lines:
        for number, raw in enumerate(lines, start=1):
            try:
                yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                raise InputError(path, "not UTF-8 text", number) from None


def _token_lines(path: Path) -> Iterator[tuple[int, list[str], str]]:
    """(line, fields, line as written): a blank line and -DOCSTART- have their own fields."""
    for number, line in _lines(path):
        fields = line.split()
        if fields and fields[0] != DOCSTART and len(fields) < 2:
            raise InputError(path, f"expected a token and its tag, got {line.strip()!r}",
                             number)
        yield number, fields, line.rstrip("\r\n")


def _split_tag(path: Path, line: int, tag: str) -> tuple[str, str]:
    """(prefix in upper case, label as written); ("O", "") for O."""
    if tag in ("O", "o"):
        return "O", ""
    prefix, dash, label = tag.partition("-")
    if not dash or not label or prefix.upper() not in PREFIXES:
        raise InputError(path, f"{tag!r} is not an IOB, BILUO or BIOES tag", line)
    return prefix.upper(), checked_label(path, line, label)


def _survey(path: Path) -> _Survey:
    """The file's scheme, and a refusal where it mixes schemes or column counts."""
    survey = _Survey()
    previous = ("O", "")
    cases: dict[bool, set[bool]] = {True: set(), False: set()}  # is O -> lower case?
    found = False
    for number, fields, line in _token_lines(path):
        if not fields or fields[0] == DOCSTART:
            survey.docstart |= bool(fields)
            previous = ("O", "")
            continue
        if not found:
            found = True
            survey.columns, survey.separator = len(fields), "\t" if "\t" in line else " "
        elif len(fields) != survey.columns:
            raise InputError(path, f"{len(fields)} columns where the file's first token line "
                                   f"has {survey.columns}", number)
        prefix, label = _split_tag(path, number, fields[-1])
        cases[prefix == "O"].add(fields[-1][0].islower())
        habit = prefix
        if prefix == "I" and previous[1] != label:
            habit = "I starts"  # IOB1 or IO: an I- tag opens an entity
        elif prefix == "B" and previous[1] != label:
            habit = "B starts"  # IOB2 (IOB1 writes B- only after an entity of its label)
        survey.first_of.setdefault(habit, (number, fields[-1]))
        survey.first_of.setdefault(prefix, (number, fields[-1]))
        previous = (prefix, label)
    if not found:
        raise InputError(path, "the file holds no tokens")
    survey.lower_prefixes, survey.lower_o = cases[False] == {True}, cases[True] == {True}
    survey.scheme = _scheme(path, survey.first_of)
    return survey


def _scheme(path: Path, first_of: dict) -> str:
    def clash(a: str, a_name: str, b: str, b_name: str) -> None:
        (line_a, tag_a), (line_b, tag_b) = first_of[a], first_of[b]
        if line_a > line_b:
            (line_a, tag_a, a_name), (line_b, tag_b, b_name) = \
                (line_b, tag_b, b_name), (line_a, tag_a, a_name)
        raise InputError(path, f"{tag_b!r} is {b_name}, but line {line_a} has {tag_a!r}, "
                               f"{a_name}: the file mixes tag schemes", line_b)

    biluo = next((p for p in "LU" if p in first_of), None)
    bioes = next((p for p in "ES" if p in first_of), None)
    if biluo and bioes:
        clash(biluo, "BILUO", bioes, "BIOES")
    if biluo or bioes:
        return "BILUO" if biluo else "BIOES"
    if "I starts" in first_of and "B starts" in first_of:
        clash("I starts", "IOB1 (I- opening an entity)", "B starts",
              "IOB2 (B- opening an entity after no entity of its label)")
    if "I starts" in first_of:
        return "IOB1" if "B" in first_of else "IO"
    return "IOB2" if "B" in first_of else "none"


def _documents(path: Path, survey: _Survey, doc_sep: str | int) -> Iterator[TextDocument]:
    document = _Builder(path, survey, doc_sep)
    found = 0
    for number, fields, line in _token_lines(path):
        if fields and fields[0] == DOCSTART:
            document.end_sentence()
            if document.sentences:
                found += 1
                yield document.finish(found)
            document.docstart = line.strip()
        elif not fields:
            document.end_sentence()
            if document.sentences and doc_sep != BY_DOCSTART and (
                    doc_sep == BY_BLANK_LINES or len(document.sentences) == doc_sep):
                found += 1
                yield document.finish(found)
        else:
            document.add(number, fields)
    document.end_sentence()
    if document.sentences:
        found += 1
        yield document.finish(found)


class _Builder:
    """The document being read: its sentences so far, decoded to spans as they end."""

    def __init__(self, path: Path, survey: _Survey, doc_sep: str | int):
        self.path, self.survey, self.doc_sep = path, survey, doc_sep
        self.docstart: str | None = None
        self._reset()
        self._new_sentence()

    def _reset(self) -> None:
        self.sentences: list[str] = []
        self.spans: list[Span] = []
        self.columns: list[str] = []
        self.offset, self.first_line = 0, None

    def _new_sentence(self) -> None:
        self.words: list[str] = []
        self.tags: list[tuple[int, str, str, str]] = []  # (line, prefix, label, as written)

    def add(self, line: int, fields: list[str]) -> None:
        self.first_line = self.first_line or line
        self.words.append(fields[0])
        self.tags.append((line, *_split_tag(self.path, line, fields[-1]), fields[-1]))
        if len(fields) > 2:
            self.columns.append(" ".join(fields[1:-1]))

    def end_sentence(self) -> None:
        if not self.words:
            return
        starts = []
        for word in self.words:
            starts.append(self.offset)
            self.offset += len(word) + 1  # the space after it (a newline after the sentence)
        decode = _biluo_entities if self.survey.scheme in ("BILUO", "BIOES") else _iob_entities
        for label, first, last in decode(self.path, self.tags):
            self.spans.append(Span(starts[first], starts[last] + len(self.words[last]), label,
                                   IMPORT_SOURCE))
        self.sentences.append(" ".join(self.words))
        self._new_sentence()

    def finish(self, number: int) -> TextDocument:
        text = checked_text(self.path, self.first_line, "\n".join(self.sentences))
        own = {"scheme": self.survey.scheme,
               "doc_sep": self.doc_sep if isinstance(self.doc_sep, str) else str(self.doc_sep)}
        if self.docstart is not None:
            own["docstart"] = self.docstart
        if self.columns:
            own["columns"] = self.columns
        if self.survey.separator != " ":
            own["separator"] = self.survey.separator
        if self.survey.lower_prefixes:
            own["lower_prefixes"] = True
        if self.survey.lower_o:
            own["lower_o"] = True
        document = TextDocument(text=text, spans=tuple(sorted(self.spans)), source=self.path.name,
                                meta={"file": self.path.name, "document": number, META_KEY: own},
                                status="accepted")
        self.docstart = None
        self._reset()
        return document


def _iob_entities(path: Path, tags) -> Iterator[tuple[str, int, int]]:
    """IO, IOB1 and IOB2 alike (the survey refused files that mix them): B- always opens an
    entity, I- continues one of its label or opens one."""
    open_at, open_label = None, None
    for i, (_, prefix, label, _) in enumerate(tags):
        if prefix == "I" and label == open_label:
            continue
        if open_label is not None:
            yield open_label, open_at, i - 1
        open_at, open_label = (i, label) if prefix != "O" else (None, None)
    if open_label is not None:
        yield open_label, open_at, len(tags) - 1


def _biluo_entities(path: Path, tags) -> Iterator[tuple[str, int, int]]:
    """BILUO or BIOES, strictly: a tag that breaks an entity is refused with its line."""
    open_at, open_label = None, None
    for i, (line, prefix, label, written) in enumerate(tags):
        prefix = BIOES_TO_BILUO.get(prefix, prefix)
        continues = prefix in ("I", "L")
        if continues != (open_label is not None) or (continues and label != open_label):
            raise InputError(path, f"tag {written!r} does not continue the entity before it, "
                                   "or an entity is left unfinished", line)
        if prefix == "U":
            yield label, i, i
        elif prefix == "B":
            open_at, open_label = i, label
        elif prefix == "L":
            yield label, open_at, i
            open_at, open_label = None, None
    if open_label is not None:
        raise InputError(path, f"tag {tags[-1][3]!r} leaves an entity unfinished at the end of "
                               "the sentence", tags[-1][0])


def write_conll(documents: Iterable[ExportableDocument], path: Path) -> ExportReport:
    """A document read from CoNLL goes back over its own tokens, columns and scheme; any
    other in IOB2 over spaCy's tokens. Spans no token sequence can hold are reported."""
    report = ExportReport()
    with open(path, "w", encoding="utf-8") as out:
        documents = complete_only(documents, report)  # no way to say "unknown"
        for position, document in enumerate(documents, start=1):
            source = _source_tokens(document)
            if source is None:
                out.write(DOCSTART_LINE + "\n\n")
                for sentence in _sentences(document, position, report):
                    out.writelines(f"{word} {tag}\n" for word, tag in sentence)
                    out.write("\n")
            else:
                _write_over_source(out, document, position, report, *source)
            report.documents += 1
    return report


def _source_tokens(document: ExportableDocument):
    """(meta["conll"], its sentences' words) when the document came from CoNLL and its text
    is still the one built from those tokens; else None."""
    own = document.meta.get(META_KEY) if isinstance(document.meta, dict) else None
    if not isinstance(own, dict) or own.get("scheme") not in SCHEME_NAMES:
        return None
    sentences = [line.split(" ") for line in document.text.split("\n")]
    if any("" in words or any(not w.strip() or w != "".join(w.split()) for w in words)
           for words in sentences):
        return None
    columns = own.get("columns")
    if columns is not None and (not isinstance(columns, list)
                                or len(columns) != sum(map(len, sentences))):
        return None
    return own, sentences


def _write_over_source(out, document: ExportableDocument, position: int,
                       report: ExportReport, own: dict, sentences: list[list[str]]) -> None:
    starts, ends, sentence_of = {}, {}, []
    offset = 0
    for number, words in enumerate(sentences):
        for word in words:
            starts[offset] = len(sentence_of)
            ends[offset + len(word)] = len(sentence_of)
            sentence_of.append(number)
            offset += len(word) + 1
    entities = []
    for span in document.spans:
        first, last = starts.get(span.start), ends.get(span.end)
        if first is None or last is None or sentence_of[first] != sentence_of[last]:
            report.misaligned.append(Misaligned(position, span, span.text(document.text)))
        else:
            entities.append((first, last, span.label))
    tags = _tags(own["scheme"], entities, len(sentence_of))
    if tags is None:  # overlapping spans: CoNLL has one tag per token
        report.overlapping_documents += 1
        tags, entities = ["O"] * len(sentence_of), []
    report.spans += len(entities)
    lower = {True: bool(own.get("lower_o")), False: bool(own.get("lower_prefixes"))}
    tags = [tag[0].lower() + tag[1:] if lower[tag == "O"] else tag for tag in tags]
    separator = own.get("separator") if own.get("separator") in (" ", "\t") else " "
    columns = own.get("columns")
    if isinstance(own.get("docstart"), str):
        out.write(own["docstart"] + "\n\n")
    token = 0
    for words in sentences:
        for word in words:
            fields = [word, *([str(columns[token])] if columns else []), tags[token]]
            out.write(separator.join(fields) + "\n")
            token += 1
        out.write("\n")


def _tags(scheme: str, entities: list[tuple[int, int, str]], count: int) -> list[str] | None:
    """A tag per token in the scheme (IO is written as IOB1, which it is unless two entities
    of one label touch); None if entities overlap."""
    tags = ["O"] * count
    end_of = {}  # token -> label of the entity ending there
    for first, last, label in sorted(entities):
        if any(tag != "O" for tag in tags[first:last + 1]):
            return None
        if scheme in ("BILUO", "BIOES"):
            single, begin, end = ("U", "B", "L") if scheme == "BILUO" else ("S", "B", "E")
            if first == last:
                tags[first] = f"{single}-{label}"
                continue
            tags[first], tags[last] = f"{begin}-{label}", f"{end}-{label}"
            tags[first + 1:last] = [f"I-{label}"] * (last - first - 1)
        elif scheme in ("IO", "IOB1"):
            tags[first:last + 1] = [f"I-{label}"] * (last - first + 1)
            if end_of.get(first - 1) == label:
                tags[first] = f"B-{label}"
        else:
            tags[first:last + 1] = [f"B-{label}"] + [f"I-{label}"] * (last - first)
        end_of[last] = label
    return tags


def _sentences(document: ExportableDocument, position: int, report: ExportReport):
    """(word, IOB2 tag) per token; a run of white space holding a newline ends a sentence.
    Spans off spaCy's token boundaries cannot be tagged: they are left out and reported."""
    doc = document_doc(document)
    entities = []
    for span in document.spans:
        if doc.char_span(span.start, span.end) is None:
            report.misaligned.append(Misaligned(position, span, span.text(document.text)))
        else:
            entities.append((span.start, span.end, span.label))
    try:
        from spacy.training import biluo_to_iob, offsets_to_biluo_tags  # with the tokenizer

        tags = biluo_to_iob(offsets_to_biluo_tags(doc, entities))
    except ValueError:  # overlapping spans: CoNLL has one tag per token
        report.overlapping_documents += 1
        tags = ["O"] * len(doc)
        entities = []
    report.spans += len(entities)
    sentence: list[tuple[str, str]] = []
    for token, tag in zip(doc, tags):
        if token.is_space:
            if "\n" in token.text and sentence and tag == "O":
                yield sentence
                sentence = []
            continue
        sentence.append((token.text, tag))
    if sentence:
        yield sentence
