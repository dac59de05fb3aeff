import factory

from accounts.models import Membership, Organization, Role, User

PASSWORD = "a-long-test-password"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")
    time_zone = "Europe/London"


_people = iter(range(1, 10**9))


def user(**fields):
    n = next(_people)
    fields.setdefault("email", f"person{n}@example.com")
    fields.setdefault("name", f"Person {n}")
    return User.objects.create_user(password=PASSWORD, **fields)


def member(org, role, **user_fields):
    person = user(**user_fields)
    Membership.objects.create(user=person, organization=org, role=role)
    return person


__all__ = ["PASSWORD", "OrganizationFactory", "Role", "member", "user"]
