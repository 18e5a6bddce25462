"""News-like text for benchmarks, from sentence templates written for Goldspan.

    python tests/bench/news.py            # a sample, span alignment, tokenizer speed

Real news is slow to tokenize because nearly every sentence brings words spaCy's tokenizer
has not cached yet (names, places, figures); the old generated text repeats a few hundred
words and runs ~10x faster. So names and places here are drawn from long lists and made from
syllables, figures come in many shapes, and every sentence carries punctuation, quotes,
parentheses, hyphens and abbreviations. Each slot also yields its span (PERSON, GPE, MONEY,
...), so datasets carry realistic predictions on token boundaries.

Deterministic: the same seed gives the same text on every machine.
"""
from __future__ import annotations

import random
import re
from typing import Iterator

FIRST = ("Elena Tomas Faith Sandra Kemal Maria Hendrik Tigist Rafael Ingrid Kwame Yusuf Amira "
         "Lucia Piotr Noor Haruto Chidi Beatriz Oskar Leila Mateus Anneke Dmitri Zanele Rosa "
         "Farid Ilse Thabo Mirela Jonas Ayesha Carmen Teodor Wanjiru Paulo Hana Erik Sofia "
         "Nikolai Adaeze Joaquin Greta Samir Olufemi Marta Tariq Ines Viktor Keiko Bruno").split()
SURNAMES = ("Castillo Hedlund Chebet Okafor Aydin Lindqvist Alemu Moreau Kowalczyk Nakamura "
            "Oyelaran Ferreira Haddad Brennan Szabo Mensah Varga Quispe Holm Petrov Achebe "
            "Delacroix Rahimi Osei Jovanovic Takeda Lindgren Mbeki Salazar Novak Karimi Duarte "
            "O'Neill de_Vries").replace("_", " ").split(" ")
ONSETS = "Al Bar Cor Dan El Fen Gar Hal Is Jor Kal Lor Mar Nor Or Per Ros Sal Tor Ul Val Wen Zar"
ONSETS = ONSETS.split()
MIDDLES = "a e i o u ab el in or an et il".split()
ENDINGS = ("sen ssen ova ski wick ano ez ard ley berg dottir ic ura elli man ton ani eux"
           .split())
TOWN_ENDS = ("ford vik ano berg ville mouth stad ia polis dale haven field ona eni".split())
COUNTRIES = ("Portugal Kenya Norway Chile Vietnam Ghana Poland Canada Peru Morocco Finland "
             "Indonesia Uruguay Tanzania Ireland Colombia Estonia Senegal Nepal Greece").split()
REGIONS = ["the Varro estuary", "the Baltic coast", "the Andes", "the Rift Valley",
           "the North Sea", "Lake Orva", "the Sahel", "the Danube delta", "the Alps"]
NATIONS = "Portuguese Kenyan Norwegian Chilean Ghanaian Polish Canadian Peruvian Finnish".split()
COMPANY_KINDS = ["Holdings", "Logistics", "Energy", "Group", "Seguros", "Mining", "Airways",
                 "Pharma", "Telecom", "Foods", "Shipping", "Capital"]
BODIES = ["the Ministry of Health", "the Ministry of Finance", "the Red Cross",
          "the World Bank", "the European Union", "the International Monetary Fund",
          "the National Weather Service", "the U.N. refugee agency", "the Supreme Court",
          "the Central Bank", "the Port Authority", "the Teachers' Union", "Interpol"]
TITLES = ["Finance Minister", "Gov.", "Dr.", "Mayor", "Police Commissioner", "Judge",
          "Chief Executive", "Sen.", "Coach", "Health Minister", "Prof.", "Capt."]
SAID = ["said", "told reporters", "said in a statement", "wrote on social media",
        "told the Goldspan Wire", "said at a news conference", "warned", "added",
        "acknowledged", "insisted", "conceded", "told lawmakers"]
MONTHS = ("January February March April May June July August September October November "
          "December").split()
SHORT_MONTHS = ["Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
NUMBER_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "eleven",
                "twelve", "fifteen", "twenty", "twenty-one", "forty", "a dozen", "hundreds"]
ORDINAL_WORDS = ["first", "second", "third", "fourth", "fifth", "sixth"]
UNITS = ["millimetres of rain", "metres", "tonnes", "kilometres", "litres", "hectares",
         "barrels a day", "megawatts", "km/h", "degrees Celsius", "square metres"]
APPROX = ["well over", "at least", "nearly", "about", "some", "more than", "fewer than",
          "almost", "roughly", "up to"]

# A slot: {name}. Every template ends a sentence; a paragraph is two to four of them.
TEMPLATES = [
    '{title} {person} {said} on {day} that {approx} people had left their homes in {town}.',
    '"We are asking every family in the lower town to move now, not tomorrow," {person} {said}.',
    '{body} pledged {money} in emergency aid to {town}, and {company} promised a further '
    '{money} within a week.',
    'At least {count} soldiers and {words} police officers were missing near {town} after a '
    'truck was swept off the bridge.',
    'Shares in {company} fell {percent} in early trading in {town}, their steepest drop since '
    '{year}.',
    'The storm dropped {quantity} on {region} in {hours} hours, the heaviest since {decade}.',
    '{person}, {age}, won the {town} marathon for the {ordinal} time (in 2 hours, {minutes} '
    'minutes).',
    'Officials in {town} said {approx} homes were without power and {count} shelters had '
    'opened by {time}.',
    'The U.S. Federal Reserve and {body} both cut their forecasts on {date}, citing '
    'weaker demand in {country}.',
    '{company} (formerly {company}) agreed to buy a {percent} stake in {company} for '
    '{money}, the companies said on {day}.',
    "Tens of thousands marched through {town} on {date}; organisers counted {approx}, police "
    "{count}.",
    '"It\'s not a question of money, it\'s a question of time," {title} {person} told '
    'lawmakers in {town}.',
    'Inflation in {country} slowed to {percent} in {month}, from {percent} a month earlier, '
    'the statistics office said.',
    'The {nation} government has spent {money} on flood defences since {year}, according to '
    '{body}.',
    'Rescue teams from {country} and {country} reached {town} late on {day}, {approx} hours '
    'after the quake struck.',
    'A spokeswoman for {company}, {person}, declined to comment on the long-term plan.',
    '{person} was elected mayor of {town} with {percent} of the vote, beating {person} by '
    '{count} votes.',
    'The court in {town} sentenced {person}, a former {company} manager, to {words} years in '
    'prison.',
    "Ticket sales rose {percent} year-on-year to {money} in the {ordinal} quarter, "
    "{company}'s best result since {decade}.",
    'Some {big} passengers were stranded at {town} airport on {date} (flights resumed at '
    '{time}).',
    'Engineers have warned for nearly a decade that the levees, built in {decade}, protect '
    'fewer than half of the {big} people in {region}.',
    'Dr. {person} of {town} University said the new vaccine cut hospital stays by '
    '{percent} in a trial of {big} patients.',
    'The ferry, carrying {count} passengers and {words} crew, ran aground off {town} at {time}.',
    'Wheat prices climbed to {money} a tonne on {day}, up {percent} since {month} {year}.',
    '"Nobody here has seen water this high," said {person}, {age}, who has run a bakery in '
    '{town} since {year}.',
    'The state-owned utility said it would add {quantity} of capacity by {year} at a cost of '
    '{money}.',
    '{company} will cut {approx} jobs in {country} and {country}, or {percent} of its '
    'workforce, {person} {said}.',
    'Temperatures reached {quantity} in {town} on {date}, breaking a record set in {year}.',
    'The {nation} striker scored twice in the {ordinal} half as {town} beat {town} {score}.',
    'Fire crews from {words} districts fought the blaze near {town} for {hours} hours.',
    '{body} said {approx} children in {region} were out of school, {percent} more than in '
    '{year}.',
    "Under the deal, signed in {town} on {date}, {country} will supply {quantity} a year "
    "until {year}.",
    'Police arrested {count} people after clashes outside the parliament in {town} on {day} '
    'night.',
    'The central bank held its main rate at {percent}, as {count} of the {words} economists '
    'polled by Goldspan Wire had expected.',
    'Mr. {person} resigned on {date}, {words} weeks after the audit found {money} missing.',
    'The 24-hour strike shut ports from {town} to {town}, stranding {approx} containers.',
    'Turnout was {percent}, the lowest since {decade}, according to the electoral commission '
    'in {town}.',
    'Archaeologists near {town} found {count} graves dating to the {ordinal} century B.C., '
    'the museum said.',
    'Ms. {person}, the {ordinal} woman to lead {company}, takes over on {date}.',
    'The {nation} embassy in {town} said {words} of its citizens were among the injured.',
]
DATELINE = "{town_caps}, {date} (Goldspan Wire) - "
HEADLINES = [
    "Floods force thousands from homes near {town}",
    "{company} to cut jobs as profits slide",
    "{town} votes: {person} wins by a narrow margin",
    "Heatwave breaks records across {country}",
    "Court jails former {company} manager",
    "Strike shuts ports along {region}",
    "Central bank in {country} holds rates",
    "{person} wins {town} marathon again",
]
SLOT = re.compile(r"\{(\w+)\}")
LABEL_OF = {"person": "PERSON", "company": "ORG", "body": "ORG", "town": "GPE",
            "town_caps": "GPE", "country": "GPE", "region": "LOC", "nation": "NORP",
            "day": "DATE", "date": "DATE", "year": "DATE", "decade": "DATE", "month": "DATE",
            "time": "TIME", "approx": "CARDINAL", "count": "CARDINAL", "words": "CARDINAL",
            "big": "CARDINAL", "money": "MONEY", "percent": "PERCENT", "quantity": "QUANTITY",
            "ordinal": "ORDINAL"}


class News:
    """Draws slot values; each call gives a new one, as a reporter's next sentence would."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def _made_name(self, endings: list[str]) -> str:
        r = self.rng
        return r.choice(ONSETS) + r.choice(MIDDLES) * r.randint(0, 1) + r.choice(endings)

    def value(self, slot: str) -> str:
        r = self.rng
        if slot == "person":
            last = self._made_name(ENDINGS) if r.random() < 0.6 else r.choice(SURNAMES)
            return f"{r.choice(FIRST)} {last}"
        if slot in ("town", "town_caps"):
            town = self._made_name(TOWN_ENDS) if r.random() < 0.7 else r.choice(
                ["Merida Bay", "Puerto Claro", "Saint-Laurent", "Keston", "Riga", "Lyon"])
            return town.upper() if slot == "town_caps" else town
        if slot == "company":
            return f"{self._made_name(ENDINGS)} {r.choice(COMPANY_KINDS)}"
        if slot == "date":
            return (f"{r.choice(MONTHS)} {r.randint(1, 28)}" if r.random() < 0.7
                    else f"{r.choice(SHORT_MONTHS)} {r.randint(1, 28)}")
        if slot == "year":
            return str(r.randint(1950, 2024))
        if slot == "decade":
            return r.choice(["the 1960s", "the 1980s", "the 1990s", f"mid-{r.randint(1990, 2019)}"])
        if slot == "time":
            return f"{r.randint(1, 11)}{r.choice([':15', ':30', ':45', ''])} {r.choice(['a.m.', 'p.m.'])}"
        if slot == "approx":
            return (r.choice(["tens of thousands", "hundreds", "thousands"]) if r.random() < 0.15
                    else f"{r.choice(APPROX)} {r.randint(2, 250) * 10 ** r.randint(0, 3):,}")
        if slot in ("count", "hours", "minutes", "age"):
            return str(r.randint(*{"count": (2, 950), "hours": (3, 72), "minutes": (4, 59),
                                   "age": (19, 88)}[slot]))
        if slot == "big":
            return f"{r.randint(1_200, 480_000):,}"
        if slot == "money":
            amount = r.choice([f"{r.randint(1, 99)}.{r.randint(1, 9)} billion",
                               f"{r.randint(2, 900)} million", f"{r.randint(12, 990):,},000"])
            return f"{r.choice(['$', '€', '£'])}{amount}"
        if slot == "percent":
            number = f"{r.randint(0, 60)}.{r.randint(1, 9)}" if r.random() < 0.6 else str(
                r.randint(1, 90))
            return f"{number}{r.choice(['%', ' percent', ' per cent'])}"
        if slot == "quantity":
            number = f"{r.randint(2, 9_000):,}" if r.random() < 0.7 else f"{r.randint(1, 99)}.{r.randint(1, 9)}"
            return f"{number} {r.choice(UNITS)}"
        if slot == "score":
            return f"{r.randint(0, 5)}-{r.randint(0, 4)}"
        table = {"words": NUMBER_WORDS, "ordinal": ORDINAL_WORDS, "title": TITLES,
                 "said": SAID, "day": DAYS, "month": MONTHS, "country": COUNTRIES,
                 "region": REGIONS, "nation": NATIONS, "body": BODIES}
        return r.choice(table[slot])

    def render(self, template: str, at: int, spans: list) -> str:
        """The template filled in; its spans, offset by `at`, go to `spans`."""
        out, length = [], 0
        for number, piece in enumerate(SLOT.split(template)):
            if number % 2:  # a slot name
                text = self.value(piece)
                label = LABEL_OF.get(piece)
                if label:
                    start = at + length
                    # "the Red Cross": the article is not part of the name
                    skip = 4 if label in ("ORG", "LOC") and text.startswith("the ") else 0
                    spans.append((start + skip, start + len(text), label))
            else:  # "by 6 p.m." ends a sentence with one full stop, not two
                text = piece[1:] if piece[:1] == "." and out and out[-1].endswith(".") else piece
            out.append(text)
            length += len(text)
        return "".join(out)

    def paragraph(self, at: int, spans: list, sentences: int) -> str:
        parts: list[str] = []
        for _ in range(sentences):
            sentence = self.render(self.rng.choice(TEMPLATES), at, spans)
            parts.append(sentence)
            at += len(sentence) + 1
        return " ".join(parts)

    def story(self, at: int, spans: list, paragraphs: int) -> str:
        """A headline, a dateline and paragraphs, as a wire story."""
        text = self.render(self.rng.choice(HEADLINES), at, spans) + "\n\n"
        text += self.render(DATELINE, at + len(text), spans)
        for number in range(paragraphs):
            if number:
                text += "\n\n"
            text += self.paragraph(at + len(text), spans, self.rng.randint(2, 4))
        return text


def article(chars: int, seed: int = 1) -> tuple[str, list[tuple[int, int, str]]]:
    """Wire stories one after another, at most `chars` characters, ending at a story's end
    (or, for a short article, a sentence's end); and its spans (start, end, label)."""
    news, spans, text = News(seed), [], ""
    while True:
        story = news.story(len(text) + (2 if text else 0), spans, news.rng.randint(4, 9))
        joined = text + ("\n\n" if text else "") + story
        if len(joined) > chars:
            break
        text = joined
    if len(text) < chars // 2:  # too short for even one story: cut at a sentence end
        text = joined[:chars]
        text = text[:text.rfind(". ") + 1] if ". " in text else text
    return text, [s for s in spans if s[1] <= len(text)]


def documents(count: int, seed: int = 1, size: int = 365) -> Iterator[tuple[str, list]]:
    """`count` short stories of about `size` characters (a headline and one or two
    paragraphs), each with its spans; document i is the same whatever `count` is."""
    for number in range(count):
        news = News(seed * 1_000_003 + number)
        spans: list = []
        text = news.render(news.rng.choice(HEADLINES), 0, spans) + "\n\n"
        text += news.render(DATELINE, len(text), spans)
        while len(text) < size * 0.83:
            sentence = news.render(news.rng.choice(TEMPLATES), len(text), spans)
            if len(text) + len(sentence) > size * 1.3 and len(text) > size * 0.5:
                break
            text += sentence + " "
        text = text.rstrip()
        yield text, [s for s in spans if s[1] <= len(text)]


def stories(count: int, seed: int = 42, paragraphs: tuple[int, int] = (2, 4)) -> list[str]:
    """`count` wire stories of about 170 words (with the default paragraphs), as the old
    generated_articles gave, for the older benchmark scripts."""
    texts = []
    for number in range(count):
        news = News(seed * 1_000_003 + number)
        texts.append(news.story(0, [], news.rng.randint(*paragraphs)))
    return texts


def _tokenizer_speed(texts: list[str]) -> float:
    """Characters per second through a fresh spaCy English tokenizer (an empty cache)."""
    import time

    import spacy
    tokenizer = spacy.blank("en").tokenizer
    began = time.perf_counter()
    for text in texts:
        tokenizer(text)
    return sum(map(len, texts)) / (time.perf_counter() - began)


def main() -> None:
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import spacy
    from tests.bench.articles import generated_articles

    text, spans = article(3_000, seed=7)
    print(text[:1200], "\n")
    print("spans:", "; ".join(f"{label} {text[s:e]!r}" for s, e, label in spans[:14]), "\n")
    # Every span must sit on spaCy's token boundaries, or imports would refuse it.
    nlp, misaligned, total = spacy.blank("en"), 0, 0
    for text, spans in [article(200_000, seed=3), *documents(2_000, seed=3)]:
        doc = nlp.make_doc(text)
        total += len(spans)
        misaligned += sum(doc.char_span(s, e) is None for s, e, _ in spans)
    print(f"spans off token boundaries: {misaligned} of {total}")
    sizes = [len(t) for t, _ in documents(10_000, seed=5)]
    print(f"documents: mean {sum(sizes) / len(sizes):.0f} characters "
          f"(min {min(sizes)}, max {max(sizes)})")
    # One long text is tokenized without spaCy's cache once it meets a special case ("'s",
    # "Mr."), as real news does; short documents each start with the cache on.
    million = article(1_000_000, seed=11)[0]
    docs = [t for t, _ in documents(2_800, seed=2)]
    old_docs = [t[:365] for t in generated_articles(2_800)]
    samples = "\n\n".join(p.read_text() for p in
                          sorted((Path(__file__).parents[2] / "resources/samples").glob("*.txt")))
    rows = [("news.py, one article", [million]), ("articles.py, one text",
             ["\n".join(generated_articles(1_600))[:len(million)]]),
            ("news.py, documents", docs), ("articles.py, 365-char pieces", old_docs),
            ("resources/samples, once", [samples])]
    print("spaCy tokenizer, fresh cache each (M characters/s):")
    rates = {}
    for name, texts in rows:
        rates[name] = _tokenizer_speed(texts)
        print(f"  {name:<30} {sum(map(len, texts)):>10,} chars  {rates[name] / 1e6:5.2f}")
    print(f"  articles.py is {rates['articles.py, one text'] / rates['news.py, one article']:.1f}x"
          f" faster than news.py as one text, "
          f"{rates['articles.py, 365-char pieces'] / rates['news.py, documents']:.1f}x as documents")

if __name__ == "__main__":
    main()
