"""Seeded news-style articles for benchmarks: names, places and numbers in every sentence."""
from __future__ import annotations

import random

PEOPLE = ["Elena Castillo", "Tomas Hedlund", "Faith Chebet", "Sandra Okafor", "Kemal Aydin",
          "Maria Lindqvist", "Hendrik de Vries", "Tigist Alemu"]
PLACES = ["Lyon", "Merida Bay", "Keston", "Ohio", "Ankara", "Riga", "Lisbon", "Rotterdam"]
GROUPS = ["the Red Cross", "the World Bank", "Nordea", "the European Union", "Ardent Motors",
          "the National Weather Service"]
SENTENCES = [
    "{person} said on {day} that well over {n:,} people had left {place}.",
    "{group} pledged ${m} million to {place}, {person} told reporters in {place2}.",
    "At least {k} soldiers and {word} police officers were missing near {place}.",
    "Shares in {group} rose {p}% to ${price} after the deal was announced on {day}.",
    "Tens of thousands marched in {place}, and organisers counted {n:,} on the first day.",
    "The storm dropped {k}0 millimetres of rain in {k} hours, the heaviest since {year}.",
    "{person}, {age}, won the race in {place} for the {ordinal} time.",
    "Officials in {place} said about {m},000 homes were without power and {k} shelters had opened.",
]
WORDS = ["two", "three", "eight", "eleven", "twenty-one", "forty"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Friday", "Sunday"]
ORDINALS = ["second", "third", "fifth", "10th"]


def generated_articles(count: int, sentences: int = 12, seed: int = 42) -> list[str]:
    rng = random.Random(seed)
    articles = []
    for number in range(count):
        body = " ".join(rng.choice(SENTENCES).format(
            person=rng.choice(PEOPLE), place=rng.choice(PLACES), place2=rng.choice(PLACES),
            group=rng.choice(GROUPS), day=rng.choice(DAYS), n=rng.randint(1_000, 99_000),
            m=rng.randint(2, 900), k=rng.randint(2, 90), p=rng.randint(1, 40),
            price=f"{rng.uniform(5, 400):.2f}", word=rng.choice(WORDS),
            year=rng.randint(1950, 2024), age=rng.randint(19, 70),
            ordinal=rng.choice(ORDINALS)) for _ in range(sentences))
        articles.append(f"Report {number}\n\n{body}\n")
    return articles
