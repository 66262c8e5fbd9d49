"""Names in their own script are found by search, with or without ё, in either case, on SQLite and on PostgreSQL
(run this file with DATABASE_URL set to a PostgreSQL database for the second)."""

import pytest

from thaw_site.public.search import search
from thaw_site.publishing.search_vectors import fold, searchable_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["Хрущёв", "Хрущев", "хрущёв", "хрущев", "ХРУЩЁВ", "Никита Хрущев"])
def test_a_search_in_russian_finds_khrushchev_with_or_without_yo(client, era, query):
    html = client.get("/search/", {"q": query}).content.decode()
    assert 'href="/people/nikita-khrushchev/"' in html


def test_the_search_in_russian_finds_only_the_person_of_that_name(era):
    assert [p.slug for p in search("Хрущёв")] == ["nikita-khrushchev"]
    assert [p.slug for p in search("Горбачев")] == ["mikhail-gorbachev"]


def test_a_name_in_another_script_that_no_one_has_finds_nothing(client, era):
    assert "Nothing published matches" in client.get("/search/", {"q": "Ёжиков"}).content.decode()


def test_the_person_page_shows_the_name_in_russian_and_says_how_names_are_transliterated(client, era):
    assert '<span class="native" lang="ru">Никита Сергеевич Хрущёв</span>' in (
        client.get("/people/nikita-khrushchev/").content.decode()
    )
    assert "BGN/PCGN" in client.get("/people/").content.decode()


def test_folding_reads_yo_as_ye_and_lowercases():
    assert fold("ХРУЩЁВ Хрущёв") == "хрущев хрущев"


def test_searchable_text_adds_folded_forms_of_non_ascii_words_only_once():
    assert searchable_text("Nikita Khrushchev Никита Хрущёв", ["Q35236"]) == (
        "Nikita Khrushchev Никита Хрущёв Q35236 никита хрущев"
    )
    assert searchable_text("хрущев") == "хрущев"
