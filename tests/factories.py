"""factory_boy factories for what tests build by hand again and again: users, staff, editors and superusers.

Every user's password is "pw" (the browser tests sign in with it); `groups` names editorial groups to join.
"""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory, Password

PASSWORD = "pw"


class UserFactory(DjangoModelFactory):
    """A user who is not staff: a reader. UserFactory(username="olga", groups=["Authors"], is_staff=True)."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = Password(PASSWORD)

    @factory.post_generation
    def groups(user, create, names, **kwargs):
        if create and names:
            user.groups.add(*(Group.objects.get(name=name) for name in names))


class StaffFactory(UserFactory):
    """Staff in no group: may sign in to the admin, and do nothing there."""

    is_staff = True


class SuperuserFactory(StaffFactory):
    """May do anything, own publications included (four eyes apart)."""

    username = "admin"
    is_superuser = True


def staff_with(username, *codenames):
    """Staff in no group holding just these permissions (by codename): staff_with("vika", "view_event")."""
    from django.contrib.auth.models import Permission

    user = StaffFactory(username=username)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user
