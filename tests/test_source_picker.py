"""Issue 15 item 3: the source picker's search, a staff-only JSON list of at most 20 sources matching an author, a
title or a key, in any case and script, in a fixed number of queries."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.citation_views import PICKER_RESULTS
from events.models import Source
from tests.factories import UserFactory, staff_with
from tests.public_site import publish_now

pytestmark = pytest.mark.django_db

URL = "/admin/citations/sources.json"


def keys(client, query):
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    return [source["key"] for source in response.json()["sources"]]


@pytest.fixture
def signed_in(client, author):
    client.force_login(author)
    return client


@pytest.fixture
def memoirs(db):
    return Source.objects.create(
        key="khrushchev-1999",
        title="Воспоминания: время, люди, власть",
        authors=["Хрущёв, Никита Сергеевич"],
        year=1999,
    )


def test_the_route_is_the_pickers(signed_in):
    assert reverse("citations:source-search") == URL


def test_a_source_is_found_by_its_authors_family_name(signed_in, era):
    assert keys(signed_in, "Schapiro") == ["schapiro-1971"]
    assert keys(signed_in, "leonard") == ["schapiro-1971"]  # a given name, in another case


def test_a_source_is_found_by_a_word_of_its_title(signed_in, era):
    assert keys(signed_in, "communist party") == ["schapiro-1971"]
    assert keys(signed_in, "POLITICAL") == ["baradat-1986"]


def test_a_source_is_found_by_its_key_or_part_of_it(signed_in, era):
    assert keys(signed_in, "baradat-1986") == ["baradat-1986"]
    assert keys(signed_in, "1968") == ["nenarokov-1968"]


def test_every_word_must_match_somewhere(signed_in, era):
    assert keys(signed_in, "schapiro communist") == ["schapiro-1971"]
    assert keys(signed_in, "schapiro political") == []


def test_the_closest_come_first_a_key_then_an_author_then_a_title_word(signed_in, era):
    Source.objects.create(key="z-author", title="Readings", authors=["Sovietov, Ivan"])
    Source.objects.create(key="b-title", title="Soviet Readers", authors=["Nobody, Anne"])
    Source.objects.create(key="a-inside", title="Post-sovietness", authors=["Doe, Jane"])
    Source.objects.create(key="a-publisher", title="About the USSR", authors=["Doe, Jane"], publisher="Soviet Press")
    Source.objects.create(key="soviet-2001", title="Later", authors=["Roe, Rick"])
    found = keys(signed_in, "soviet")
    assert found[:2] == ["soviet-2001", "z-author"]  # the key starts with it, then an author's name does
    assert found.index("b-title") < found.index("a-inside")  # a title word starts with it, then it is inside one
    assert found[-1] == "a-inside" and "a-publisher" not in found  # the publisher is not searched


@pytest.mark.parametrize("query", ["Хрущёв", "хрущев", "ХРУЩЁВ", "Никита", "воспоминания", "ВЛАСТЬ", "khrushchev-19"])
def test_cyrillic_authors_and_titles_are_found_in_any_case_with_or_without_yo(signed_in, memoirs, query):
    assert keys(signed_in, query) == ["khrushchev-1999"]


def test_the_answer_gives_what_the_picker_shows(signed_in, memoirs):
    [source] = signed_in.get(URL, {"q": "хрущев"}).json()["sources"]
    assert source == {
        "key": "khrushchev-1999",
        "title": "Воспоминания: время, люди, власть",
        "authors": "Хрущёв, Никита Сергеевич",
        "year": 1999,
        "status": "Draft",
    }


@pytest.fixture
def many_sources(db):
    Source.objects.bulk_create(
        Source(key=f"batch-{n:02d}", title=f"Batch report {n}", authors=["Clerk, Anna"]) for n in range(45)
    )


def test_at_most_twenty_are_answered_and_the_answer_says_there_are_more(signed_in, many_sources):
    response = signed_in.get(URL, {"q": "batch"}).json()
    assert PICKER_RESULTS == 20
    assert [s["key"] for s in response["sources"]] == [f"batch-{n:02d}" for n in range(20)]
    assert response["more"] is True
    fewer = signed_in.get(URL, {"q": "batch-4"}).json()
    assert len(fewer["sources"]) == 5 and fewer["more"] is False


def test_an_empty_query_lists_the_first_sources_by_key(signed_in, many_sources):
    assert keys(signed_in, "") == [f"batch-{n:02d}" for n in range(20)]


def test_an_overlong_query_is_refused(signed_in):
    response = signed_in.get(URL, {"q": "x" * 201})
    assert response.status_code == 400 and "at most 200" in response.content.decode()
    assert signed_in.get(URL, {"q": "x" * 200}).status_code == 200


def test_it_answers_only_reads(signed_in):
    assert signed_in.post(URL, {"q": "x"}).status_code == 405


def test_its_queries_do_not_grow_with_the_number_of_sources(signed_in, era):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            keys(signed_in, "a")
        return len(captured)

    few = queries()
    Source.objects.bulk_create(Source(key=f"more-{n:03d}", title=f"Another {n}") for n in range(300))
    assert queries() == few <= 6


# Who may search, and what they see.


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", "login"),
        ("reader", "login"),
        ("staff", 403),
        ("author", 200),
        ("reviewer", 200),
        ("superuser", 200),
    ],
)
def test_only_editors_may_search(client, users_by_role, memoirs, role, expected):
    users = {**users_by_role, "reader": UserFactory(username="reader")}
    if role != "anonymous":
        client.force_login(users[role])
    response = client.get(URL, {"q": "хрущев"})
    if expected == "login":
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == expected
    assert ("khrushchev-1999" in response.content.decode()) is (expected == 200)


def test_editors_who_may_view_sources_find_working_copies_with_their_status(signed_in, era, memoirs):
    Source.objects.filter(key="schapiro-1971").update(title="Unpublished new title")
    found = {s["key"]: s for s in signed_in.get(URL, {"q": "schapiro"}).json()["sources"]}
    assert found["schapiro-1971"]["title"] == "Unpublished new title"
    assert keys(signed_in, "хрущев") == ["khrushchev-1999"]


def test_editors_who_may_not_view_sources_find_live_ones_only_as_published(client, era, memoirs):
    event_editor = staff_with("eddie", "change_event")  # may not view the sources' working copies
    Source.objects.filter(key="schapiro-1971").update(title="Unpublished new title")
    client.force_login(event_editor)
    [schapiro] = client.get(URL, {"q": "schapiro"}).json()["sources"]
    assert schapiro == {
        "key": "schapiro-1971",
        "title": "The Communist Party of the Soviet Union",
        "authors": "Schapiro, Leonard",
        "year": 1971,
        "status": "live",
    }
    assert keys(client, "хрущев") == []  # a draft
    assert "Unpublished" not in client.get(URL, {"q": "title"}).content.decode()
    publish_now(memoirs)
    assert keys(client, "ХРУЩЁВ") == ["khrushchev-1999"]


def test_the_pickers_script_inserts_text_never_html():
    script = (Path(settings.BASE_DIR) / "static" / "admin" / "js" / "source_picker.js").read_text()
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
    assert "`[@${key}, p. ]`" in script
