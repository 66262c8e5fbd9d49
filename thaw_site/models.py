"""Django reads an app's models from its `models` module: thaw_site's live in the publishing package."""

from thaw_site.publishing.generation import CacheTag
from thaw_site.publishing.notifications import Notification, NotificationPreference
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.read_models import CitingPage, LiveEventLink, PublishedLink
from thaw_site.publishing.schedules import Schedule
from thaw_site.publishing.watchlists import Watch

__all__ = [
    "CacheTag",
    "CitingPage",
    "LiveEventLink",
    "Notification",
    "NotificationPreference",
    "Publication",
    "PublishedLink",
    "Schedule",
    "Watch",
]
