from hypothesis import given
from hypothesis import strategies as st

from annotate.adjudication import Conflict, Reading, compare, differences
from annotate.spans import Span
from annotate.versions import HeldBack, Version, standing

LYON_GPE, LYON_LOC = Span(34, 38, "GPE"), Span(34, 38, "LOC")
CROWD, CROWD_WIDE = Span(10, 15, "CARDINAL"), Span(0, 15, "CARDINAL")
DATE = Span(42, 49, "DATE")


def test_agreed_spans_and_conflicts_by_hand():
    found = compare({"ana": [CROWD_WIDE, LYON_GPE, DATE],
                     "ben": [CROWD, LYON_LOC, DATE],
                     "cy": [CROWD_WIDE, LYON_GPE]})
    assert found.agreed == ()  # cy left the date out: nothing is in all three
    found = compare({"ana": [CROWD_WIDE, LYON_GPE, DATE], "ben": [CROWD, LYON_LOC, DATE]})
    assert found.agreed == (DATE,)
    assert found.conflicts == (
        Conflict(0, 15, (Reading((CROWD_WIDE,), ("ana",)), Reading((CROWD,), ("ben",)))),
        Conflict(34, 38, (Reading((LYON_GPE,), ("ana",)), Reading((LYON_LOC,), ("ben",)))),
    )


def test_the_reading_most_people_chose_comes_first_and_a_missing_span_is_a_reading():
    found = compare({"ana": [LYON_LOC], "ben": [LYON_GPE], "cy": [LYON_GPE], "dee": []})
    [conflict] = found.conflicts
    assert conflict.readings == (Reading((LYON_GPE,), ("ben", "cy")),
                                 Reading((), ("dee",)), Reading((LYON_LOC,), ("ana",)))


def test_differences_are_what_each_side_lacks():
    assert differences([CROWD_WIDE, DATE], [CROWD, DATE]) == ([CROWD_WIDE], [CROWD])


spans = st.builds(lambda start, length, label: Span(start, start + length, label),
                  st.integers(0, 40), st.integers(1, 8), st.sampled_from("AB"))


@given(st.dictionaries(st.sampled_from(["ana", "ben", "cy"]), st.lists(spans, max_size=6),
                       min_size=2))
def test_any_readings_rebuild_each_annotation(annotations):
    """Agreed spans plus a person's reading of every conflict is exactly their annotation:
    nothing any annotator marked falls between the conflicts."""
    found = compare(annotations)
    for name, marked in annotations.items():
        rebuilt = set(found.agreed)
        for conflict in found.conflicts:
            [reading] = [r for r in conflict.readings if name in r.annotators]
            rebuilt |= set(reading.spans)
        assert rebuilt == set(marked)


def versions(*rows):
    return [Version(i, *row) for i, row in enumerate(rows, start=1)]


def test_precedence_adjudicated_then_reviewed_then_agreeing_work():
    ana, ben = ("ana", "annotation", "accepted"), ("ben", "annotation", "accepted")
    found = versions(ana, ben)
    assert isinstance(standing(9, found, "accepted", {1: [DATE], 2: [CROWD]}), HeldBack)
    assert standing(9, found, "accepted", {1: [DATE], 2: [DATE]}).annotator == "ben"
    reviewed = found + [Version(3, "ben", "reviewed", "accepted", based_on=2)]
    corrected = standing(9, reviewed, "accepted", {1: [DATE], 2: [CROWD], 3: [DATE]})
    assert corrected.annotation_id == 3  # ben's correction agrees with ana
    judged = reviewed + [Version(4, "jo", "adjudicated", "accepted")]
    assert standing(9, judged, "accepted", {}).annotation_id == 4
    unfinished = reviewed[:2] + [Version(4, "jo", "adjudicated", "pending")]
    assert "adjudication unfinished" in standing(9, unfinished, "accepted",
                                                 {1: [DATE], 2: [CROWD]}).reason
    assert standing(9, versions((None, "annotation", "pending")), "accepted", {}) is None
