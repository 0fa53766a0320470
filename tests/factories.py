from __future__ import annotations

import factory
from django.utils.text import slugify

from accounts.models import Membership, Organisation, User

TEST_PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    display_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password(TEST_PASSWORD)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test Partnership {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    ons_code = factory.Sequence(lambda n: f"E99{n:06d}")
    wave = 3


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.EDITOR
