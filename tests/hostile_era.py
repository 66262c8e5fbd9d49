"""A second era to test the site's outputs on besides the shipped one: generated, then made hostile, with drafts
and items in review among the live, Cyrillic everywhere, every date qualifier, and markup in every field that
tries to break out (tests/test_xss_payloads.py's payloads). The `hostile_era` fixture (tests/conftest.py)
imports it."""

from events.generator import generate_era

from .test_xss_payloads import PAYLOADS

SHORT_PAYLOADS = [payload for payload in PAYLOADS if len(payload) < 120]
BODY_PAYLOADS = [payload for payload in SHORT_PAYLOADS if "[@" not in payload and "[citation" not in payload]
QUALIFIERS = ["~", "?", "%", ""]


def hostile_document():
    """A small generated era made hostile: Cyrillic everywhere, every date qualifier, markup in every field."""
    document = generate_era(events=24, figures=10, sources=12, seed=19)
    for number, event in enumerate(document["events"]):
        payload = SHORT_PAYLOADS[number % len(SHORT_PAYLOADS)]
        event["title"] = f"Оттепель № {number}: {payload}"
        event["summary"] = f"Хрущёв и «оттепель» {payload}"
        event["body"] += f"\n\nДоклад «О культе личности» {BODY_PAYLOADS[number % len(BODY_PAYLOADS)]}"
        event["date"] = event["date"].rstrip("~?%") + QUALIFIERS[number % 4]
        event["place"] = f"Москва {payload}"
        for participation in event["participants"]:
            participation["role"] = f"докладчик {payload}"[:100]
    for number, figure in enumerate(document["figures"]):
        payload = SHORT_PAYLOADS[-1 - number % len(SHORT_PAYLOADS)]
        figure["name"] = f"{figure['name']} {payload}"
        figure["native_name"] = "Никита Сергеевич Хрущёв"
        figure["born"] = figure["born"].rstrip("~?%") + QUALIFIERS[number % 4]
        figure["summary"] = f"Первый секретарь {payload}"
    for number, source in enumerate(document["sources"]):
        source["title"] = (
            f"The Soviet Union: {{Soviet}} Union & 50% of $x$ #1 _a_ ~ ^ \\ «История СССР» {SHORT_PAYLOADS[number]}"
        )
        source["authors"] = ["Хрущёв, Никита", "Академия наук СССР"][: 1 + number % 2]
        source["publisher"] = f"Политиздат {SHORT_PAYLOADS[-1 - number]}"
    return document
