"""A large, realistic, made-up era for measuring the site at scale (see the generate_era command).

Everything is drawn from one `random.Random(seed)`, so the same arguments give
byte-identical documents. The shape follows the shipped dataset: each event
has a few paragraphs citing about five sources, about three participants, one
to three topics, a date of day, month or year precision (some approximate or
uncertain), and most items are published. Source popularity is skewed, so a
few sources are cited by thousands of items, as in a real bibliography.
"""

import datetime
import random
from collections.abc import Callable, Iterator

from stdnum import ean

from events.interchange import FORMAT, VERSION, Document, Entry

PERIODS = [
    ("late-stalin-era", "The late Stalin era", "1945-05", "1953-03-05"),
    ("khrushchev-era", "The Khrushchev era", "1953-03-05", "1964-10-14"),
    ("brezhnev-era", "The Brezhnev era", "1964-10", "1982-11"),
]
TOPICS = [
    "agriculture",
    "architecture",
    "censorship",
    "culture",
    "defence",
    "de-stalinization",
    "eastern-europe",
    "economy",
    "education",
    "foreign-policy",
    "housing",
    "industry",
    "labour-camps",
    "literature",
    "party-politics",
    "religion",
    "science",
    "space",
    "sport",
    "transport",
]
GIVEN = ["Anna", "Boris", "Dmitri", "Elena", "Fyodor", "Galina", "Ivan", "Lidia", "Mikhail", "Nina", "Oleg", "Pyotr"]
GIVEN += ["Raisa", "Sergei", "Tatiana", "Vasily", "Vera", "Yuri", "Zoya", "Andrei", "Klavdia", "Nikolai"]
FAMILY = ["Orlov", "Petrov", "Sokolov", "Volkov", "Kuznetsov", "Morozov", "Lebedev", "Novikov", "Kozlov", "Pavlov"]
FAMILY += ["Semyonov", "Golubev", "Vinogradov", "Bogdanov", "Vorobyov", "Fyodorov", "Mikhailov", "Belyaev", "Tarasov"]
ORGANISATIONS = [
    "Communist Party of the Soviet Union",
    "Council of Ministers of the USSR",
    "Supreme Soviet of the USSR",
    "Academy of Sciences of the USSR",
    "Union of Soviet Writers",
    "Ministry of Agriculture",
    "Ministry of Foreign Affairs",
    "Gosplan",
]
OFFICES = ["Minister", "Deputy Minister", "First Secretary", "Chairman", "Member of the Presidium", "Director"]
PLACES = ["Moscow", "Leningrad", "Kyiv", "Novosibirsk", "Tashkent", "Baikonur", "Riga", "Tbilisi", "Minsk", "Gorky"]
ROLES = ["organiser", "speaker", "signatory", "opponent", "witness", "author", "chair", "negotiator", ""]
NOUNS = ["plenum", "decree", "congress", "campaign", "reform", "conference", "launch", "strike", "trial", "exhibition"]
ADJECTIVES = ["regional", "secret", "agricultural", "cultural", "naval", "scientific", "party", "industrial", "youth"]
SOURCE_KINDS = ["book"] * 5 + ["article-journal"] * 2 + ["chapter", "manuscript", "article-newspaper", "webpage"]
PUBLISHERS = ["Oxford University Press", "Cambridge University Press", "Yale University Press", "Politizdat"]
PROSE = (
    "the committee reported that production targets had been revised after a lengthy debate among "
    "delegates who had travelled from distant republics to present their case before the ministry "
    "while newspapers printed only a short notice and foreign observers noted the unusual tone of "
    "the speeches which criticised past methods and promised new housing schools and factories"
)
WORDS = PROSE.split()
STATUSES = ["published"] * 90 + ["draft"] * 5 + ["in_review"] * 3 + ["withdrawn"] * 2
FIRST_DAY, LAST_DAY = datetime.date(1953, 3, 5), datetime.date(1964, 10, 14)


class EraGenerator:
    def __init__(self, *, events: int, figures: int, sources: int, seed: int) -> None:
        self.random = random.Random(seed)  # noqa: S311 (reproducible made-up data, not secrets)
        self.counts = {"events": events, "figures": figures, "sources": sources}
        self.progress: Callable[[int, int], None] | None = None  # told (events made, events to make)
        self.source_keys = [f"source-{number:05d}" for number in range(1, sources + 1)]
        self.figure_slugs: list[str] = []
        self.event_slugs: list[str] = []
        # Zipf-like popularity: the first sources are cited far more often than the last.
        self.source_weights = [1 / rank for rank in range(1, sources + 1)]

    def document(self) -> Document:
        return {
            "format": FORMAT,
            "version": VERSION,
            "periods": self.periods(),
            "topics": [self.topic(slug) for slug in TOPICS],
            "sources": [self.source(key) for key in self.source_keys],
            "figures": [self.figure(number) for number in range(1, self.counts["figures"] + 1)],
            "events": list(self.events()),
        }

    def events(self) -> Iterator[Entry]:
        total = self.counts["events"]
        for number in range(1, total + 1):
            yield self.event(number)
            if self.progress is not None:
                self.progress(number, total)

    # --- text ----------------------------------------------------------------------------

    def sentence(self, length: int | None = None) -> str:
        words = self.random.choices(WORDS, k=length or self.random.randint(10, 24))
        return " ".join(words).capitalize() + "."

    def citation(self) -> str:
        if not self.source_keys:
            return "[citation needed: 2026-11]"
        key = self.random.choices(self.source_keys, weights=self.source_weights)[0]
        return f"[@{key}, p. {self.random.randint(1, 480)}]" if self.random.random() < 0.7 else f"[@{key}]"

    def body(self, citations: int) -> str:
        """A few paragraphs of sentences, `citations` of them ending in a citation; some flagged."""
        sentences = [self.sentence() for _ in range(citations + self.random.randint(2, 6))]
        cited = set(self.random.sample(range(len(sentences)), citations))
        for index in range(len(sentences)):
            if index in cited:
                sentences[index] += " " + self.citation()
            elif self.random.random() < 0.1:
                sentences[index] += (
                    f" [citation needed: 20{self.random.randint(10, 26):02d}-{self.random.randint(1, 12):02d}]"
                )
        paragraphs, start = [], 0
        while start < len(sentences):
            size = self.random.randint(2, 4)
            paragraphs.append(" ".join(sentences[start : start + size]))
            start += size
        return "\n\n".join(paragraphs)

    def date(self, first: datetime.date = FIRST_DAY, last: datetime.date = LAST_DAY) -> str:
        day = first + datetime.timedelta(days=self.random.randint(0, (last - first).days))
        precision = self.random.choices(["day", "month", "year"], weights=[70, 20, 10])[0]
        text = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}[precision]
        return text + self.random.choices(["", "~", "?", "%"], weights=[88, 7, 4, 1])[0]

    def status(self) -> str:
        return self.random.choice(STATUSES)

    def name(self) -> str:
        return f"{self.random.choice(GIVEN)} {self.random.choice(FAMILY)}"

    # --- items ---------------------------------------------------------------------------

    def periods(self) -> list[Entry]:
        periods = []
        for index, (slug, name, start, end) in enumerate(PERIODS):
            periods.append(
                {
                    "slug": slug,
                    "name": name,
                    "start": start,
                    "end": end,
                    "summary": self.sentence(),
                    "body": self.body(4),
                    "previous": PERIODS[index - 1][0] if index else None,
                    "next": PERIODS[index + 1][0] if index + 1 < len(PERIODS) else None,
                    "status": "published",
                    "needs_citations_since": None,
                }
            )
        return periods

    def topic(self, slug: str) -> Entry:
        return {
            "slug": slug,
            "name": slug.replace("-", " ").capitalize(),
            "description": self.sentence(),
            "status": "published",
        }

    def source(self, key: str) -> Entry:
        kind = self.random.choice(SOURCE_KINDS)
        isbn = ""
        if kind == "book" and self.random.random() < 0.6:
            digits = "978" + "".join(str(self.random.randint(0, 9)) for _ in range(9))
            isbn = digits + ean.calc_check_digit(digits)
        family, given = self.random.choice(FAMILY), self.random.choice(GIVEN)
        return {
            "key": key,
            "kind": kind,
            "authors": [f"{family}, {given}"],
            "title": self.sentence(self.random.randint(3, 8)).rstrip("."),
            "publisher": self.random.choice(PUBLISHERS),
            "place": self.random.choice(["Oxford", "Cambridge", "New Haven", "Moscow"]),
            "year": self.random.randint(1956, 2024),
            "isbn": isbn,
            "url": f"https://archive.example/{key}" if kind == "webpage" else "",
            "accessed": "2026-11-01" if kind == "webpage" else None,
            "status": self.random.choices(["published", "draft"], weights=[97, 3])[0],
        }

    def figure(self, number: int) -> Entry:
        slug = f"figure-{number:05d}"
        self.figure_slugs.append(slug)
        born = self.date(datetime.date(1880, 1, 1), datetime.date(1935, 12, 31))
        died = self.date(datetime.date(1966, 1, 1), datetime.date(2010, 12, 31)) if self.random.random() < 0.8 else None
        offices = []
        for _ in range(self.random.choices([0, 1, 2, 3], weights=[30, 40, 20, 10])[0]):
            start = self.date()
            offices.append(
                {
                    "title": self.random.choice(OFFICES),
                    "organisation": self.random.choice(ORGANISATIONS),
                    "start": start,
                    "end": None if self.random.random() < 0.3 else str(int(start[:4]) + self.random.randint(1, 9)),
                }
            )
        return {
            "slug": slug,
            "name": self.name(),
            "native_name": "",
            "born": born,
            "died": died,
            "born_citation": self.citation(),
            "died_citation": self.citation() if died else "",
            "summary": self.sentence(),
            "body": self.body(self.random.randint(1, 4)),
            "offices": offices,
            "needs_citations_since": None,
            "status": self.status(),
        }

    def event(self, number: int) -> Entry:
        slug = f"{self.random.choice(ADJECTIVES)}-{self.random.choice(NOUNS)}-{number:05d}"
        date = self.date()
        end = None
        if self.random.random() < 0.15:
            end = str(int(date[:4]) + self.random.randint(1, 3))
        participants = self.random.sample(self.figure_slugs, min(len(self.figure_slugs), self.random.randint(1, 5)))
        related = self.random.sample(self.event_slugs, min(len(self.event_slugs), self.random.randint(0, 2)))
        self.event_slugs.append(slug)
        return {
            "slug": slug,
            "title": f"The {slug.rsplit('-', 1)[0].replace('-', ' ')} of {date[:4]} in {self.random.choice(PLACES)}",
            "period": "khrushchev-era",
            "date": date,
            "end": end,
            "date_citation": self.citation() if self.random.random() < 0.5 else "",
            "place": self.random.choice(PLACES),
            "summary": self.sentence(),
            "body": self.body(self.random.randint(3, 7)),
            "topics": sorted(self.random.sample(TOPICS, self.random.randint(1, 3))),
            "participants": [{"figure": figure, "role": self.random.choice(ROLES)} for figure in participants],
            "related": sorted(related),
            "needs_citations_since": None,
            "status": self.status(),
        }


def generate_era(
    *,
    events: int = 10_000,
    figures: int = 2_000,
    sources: int = 1_000,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> Document:
    """A thaw-era document of the given size; the same arguments always give the same document. `progress` is
    told how many events are made so far, of how many."""
    generator = EraGenerator(events=events, figures=figures, sources=sources, seed=seed)
    generator.progress = progress
    return generator.document()
