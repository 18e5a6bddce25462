"""QA reports as JSON, text tables and HTML, from the figures annotate.agreement and
store.reviews produce. Presentation only: no figures are computed here."""
from __future__ import annotations

import math

from annotate.agreement import AgreementReport, wilson_interval
from annotate.qa_html import bar_chart, page, table


def _number(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 4)


def agreement_json(report: AgreementReport) -> dict:
    return {
        "documents": report.documents, "annotators": list(report.annotators),
        "alpha": _number(report.alpha),
        "pairs": [{"annotators": [p.first, p.second], "documents": p.documents,
                   "exact_f1": _number(p.exact.f1), "partial_f1": _number(p.partial.f1),
                   "kappa": _number(p.kappa)} for p in report.pairs],
        "labels": [{"label": l.label, "exact_f1": _number(l.exact_f1),
                    "kappa": _number(l.kappa), "alpha": _number(l.alpha)}
                   for l in report.labels],
    }


def agreement_html(dataset: str, report: AgreementReport) -> str:
    pairs = [(f"{p.first} / {p.second}", p.documents, p.exact.f1, p.partial.f1, p.kappa)
             for p in report.pairs]
    labels = [(l.label, l.exact_f1, l.kappa, l.alpha) for l in report.labels]
    return page(f"Agreement: {dataset}", [
        f"<p>{report.documents} documents annotated by two or more of "
        f"{len(report.annotators)} annotators. Krippendorff's alpha over all tokens: "
        f"{'n/a' if math.isnan(report.alpha) else f'{report.alpha:.3f}'}.</p>",
        "<h2>Pairs of annotators</h2>",
        table(["pair", "documents", "F1 exact", "F1 partial", "kappa"], pairs),
        bar_chart("Span F1 (exact) per pair", [(n, f1, None) for n, _, f1, _, _ in pairs]),
        "<h2>Per label</h2>", table(["label", "F1 exact", "kappa", "alpha"], labels),
        bar_chart("Cohen's kappa per label", [(n, k, None) for n, _, k, _ in labels]),
    ])


def agreement_table(report: AgreementReport) -> str:
    def shown(value: float) -> str:
        return "   n/a" if math.isnan(value) else f"{value:6.3f}"

    lines = [f"{report.documents} documents, annotators: {', '.join(report.annotators)}",
             f"Krippendorff's alpha (tokens, all annotators): {shown(report.alpha).strip()}",
             "", f"{'pair':<30} {'docs':>5} {'F1 exact':>9} {'F1 partial':>11} {'kappa':>7}"]
    lines += [f"{p.first + ' / ' + p.second:<30} {p.documents:>5} {shown(p.exact.f1):>9} "
              f"{shown(p.partial.f1):>11} {shown(p.kappa):>7}" for p in report.pairs]
    lines += ["", f"{'label':<12} {'F1 exact':>9} {'kappa':>7} {'alpha':>7}"]
    lines += [f"{l.label:<12} {shown(l.exact_f1):>9} {shown(l.kappa):>7} {shown(l.alpha):>7}"
              for l in report.labels]
    return "\n".join(lines)


def review_figures(rows) -> list[dict]:
    """Per annotator's reviews (store.reviews.AnnotatorReviews): rates and intervals."""
    return [{"annotator": r.annotator, "reviewed": r.reviewed, "passed": r.passed,
             "pass_rate": round(r.passed / r.reviewed, 4),
             "interval_95": [round(x, 4) for x in wilson_interval(r.passed, r.reviewed)],
             "errors": dict(r.categories.most_common())} for r in rows]


def review_table(figures: list[dict]) -> str:
    lines = [f"{'annotator':<16} {'reviewed':>8} {'passed':>7} {'pass rate':>9}  "
             f"{'95% interval':<15} errors"]
    for f in figures:
        low, high = f["interval_95"]
        errors = ", ".join(f"{name} {count}" for name, count in f["errors"].items())
        lines.append(f"{f['annotator']:<16} {f['reviewed']:>8} {f['passed']:>7} "
                     f"{f['pass_rate']:>9.0%}  {low:.0%} to {high:.0%}{'':<5} {errors}")
    return "\n".join(lines)


def review_html(dataset: str, figures: list[dict]) -> str:
    return page(f"Spot checks: {dataset}", [
        table(["annotator", "reviewed", "passed", "pass rate", "95% from", "95% to", "errors"],
              [(f["annotator"], f["reviewed"], f["passed"], f["pass_rate"], *f["interval_95"],
                ", ".join(f"{k} {v}" for k, v in f["errors"].items())) for f in figures]),
        bar_chart("Pass rate per annotator, with its 95% Wilson interval",
                  [(f["annotator"], f["pass_rate"], tuple(f["interval_95"])) for f in figures]),
    ])


def consistency_json(findings, top: int) -> dict:
    """`qa consistency --json` from store.qa_figures.ConsistencyFindings."""
    changes = findings.model_changes
    return {
        "label_conflicts": [{"surface": c.surface, "labels": c.labels,
                             "documents": list(c.documents)}
                            for c in findings.label_conflicts[:top]],
        "model_changes": {"kept": dict(changes.kept), "removed": dict(changes.removed),
                          "resized": dict(changes.resized),
                          "relabelled": [{"from": a, "to": b, "count": n} for (a, b), n
                                         in changes.relabelled.most_common()]},
        "documents_by_disagreement": [{"document": d, "disagreement": round(score, 4)}
                                      for d, score in findings.by_disagreement[:top]],
    }


def consistency_text(findings, status: str, top: int) -> str:
    """`qa consistency` as text: a section per kind of finding."""
    changes = findings.model_changes
    lines = [f"{findings.documents} documents with status {status}", "",
             "Same text, different labels:"]
    for c in findings.label_conflicts[:top]:
        labels = ", ".join(f"{label} {n}" for label, n in c.labels.items())
        documents = ", ".join(map(str, c.documents[:8]))
        lines.append(f"  {c.surface!r:<30} {labels}   documents {documents}")
    if not findings.label_conflicts:
        lines.append("  none")
    lines += ["", "The model's spans, and what annotators did with them:"]
    for label in sorted(set(changes.kept) | set(changes.removed) | set(changes.resized)):
        lines.append(f"  {label:<10} kept {changes.kept[label]:>5}  removed "
                     f"{changes.removed[label]:>5}  resized {changes.resized[label]:>5}")
    lines += [f"  relabelled {before} -> {after}: {n}"
              for (before, after), n in changes.relabelled.most_common(top)]
    lines += ["", "Documents furthest from the model (1 - F1):"]
    lines += [f"  document {document_id:>6}  {score:.3f}"
              for document_id, score in findings.by_disagreement[:top]]
    return "\n".join(lines)
