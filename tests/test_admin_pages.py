import pytest
from django.contrib import admin
from django.urls import reverse

from events.models import Citation, CitationNeeded, Event, Period, Source, Topic
from people.models import Figure
from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db

EDITORIAL = [Period, Topic, Source, Event, Figure]


@pytest.fixture
def superuser_client(client):
    client.force_login(SuperuserFactory())
    return client


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_is_registered():
    for model in [*EDITORIAL, Citation, CitationNeeded]:
        assert admin.site.is_registered(model)


@pytest.mark.parametrize("model", EDITORIAL, ids=lambda m: m.__name__)
def test_changelist_add_change_and_history_pages_load(superuser_client, era, model):
    item = model.objects.first()
    for url in (
        admin_url(model, "changelist"),
        admin_url(model, "changelist") + "?q=khrushchev",
        admin_url(model, "add"),
        admin_url(model, "change", item.pk),
        admin_url(model, "history", item.pk),
    ):
        assert superuser_client.get(url).status_code == 200, url


def test_history_page_shows_the_import_reason(superuser_client, era):
    event = Event.objects.get(slug="secret-speech")
    html = superuser_client.get(admin_url(Event, "history", event.pk)).content.decode()
    assert "Imported from thaw_era.json" in html


def test_citation_index_is_read_only_in_the_admin(superuser_client, era):
    assert superuser_client.get(admin_url(Citation, "changelist")).status_code == 200
    assert superuser_client.get(admin_url(Citation, "add")).status_code == 403


def test_autocomplete_finds_figures_for_the_participants_inline(superuser_client, era):
    url = reverse("admin:autocomplete") + "?app_label=events&model_name=participation&field_name=figure&term=Khru"
    response = superuser_client.get(url)
    assert response.status_code == 200
    assert "Nikita Khrushchev" in response.content.decode()


def test_the_admin_is_closed_to_anonymous_visitors(client, era):
    response = client.get(admin_url(Event, "changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_saving_an_event_with_an_unknown_key_is_refused_quoting_it(superuser_client, era):
    event = Event.objects.get(slug="secret-speech")
    response = superuser_client.get(admin_url(Event, "change", event.pk))
    form = response.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        body="Something new. [@no-such-source]",
        topics=[t.pk for t in event.topics.all()],
        related=[e.pk for e in event.related.all()],
        **{"participations-TOTAL_FORMS": "0", "participations-INITIAL_FORMS": "0"},
    )
    response = superuser_client.post(admin_url(Event, "change", event.pk), data)
    assert response.status_code == 200
    assert "unknown source key &#x27;no-such-source&#x27;" in response.content.decode()
    event.refresh_from_db()
    assert "no-such-source" not in event.body


@pytest.mark.parametrize(
    ("model", "slug", "prefix"), [(Figure, "nikita-khrushchev", "offices"), (Event, "secret-speech", "participations")]
)
def test_every_input_of_an_inline_row_names_itself(superuser_client, era, model, slug, prefix):
    """A tabular inline's column headings are not labels: each input carries its field and row in aria-label."""
    item = model.objects.get(slug=slug)
    response = superuser_client.get(admin_url(model, "change", item.pk))
    formset = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == prefix)
    first = formset.forms[0]
    for name, field in first.fields.items():
        if not field.widget.is_hidden:
            assert field.widget.attrs["aria-label"] == f"{field.label or name.capitalize()}, row 1", name
    page = response.content.decode()
    assert 'aria-label="Delete, row 1"' in page and ', new row"' in page  # the template of added rows
    assert "admin/js/select2_labels.js" in page
