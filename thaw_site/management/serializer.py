"""The backup format: Django's JSON fixtures with times kept to the microsecond.

Django's JSON encoder cuts times to milliseconds, and its XML reader strips the whitespace around text, so
neither gives back exactly what was dumped. Registered as the "backup" format in settings.SERIALIZATION_MODULES.
"""

import datetime
from typing import Any

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer

__all__ = ["Deserializer", "Serializer"]


class ExactTimeEncoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self) -> None:
        self.options.setdefault("cls", ExactTimeEncoder)
        super()._init_options()  # type: ignore[misc]  # Django's private hook, which django-stubs leaves out
