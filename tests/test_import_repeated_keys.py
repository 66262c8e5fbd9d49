from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from events.models import Event


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "field"),
    [
        (
            '{"format": "thaw-era", "version": 1, "events": [{"slug": "e", "title": "A", "title": "B", "date": "1956"}]}',
            "title",
        ),
        ('{"format": "thaw-era", "format": "thaw-era", "version": 1}', "format"),
    ],
)
def test_a_field_repeated_in_one_object_is_refused_by_name_and_nothing_is_written(tmp_path, text, field):
    path = tmp_path / "twice.json"
    path.write_text(text)
    errors = StringIO()
    with pytest.raises(CommandError):
        call_command("import_era", str(path), stderr=errors)
    assert f"the field {field!r} appears twice in one object" in errors.getvalue()
    assert not Event.objects.exists()
