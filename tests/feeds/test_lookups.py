"""IdIn: the page's post ids as one parameter, matching what `pk__in` matches."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feeds.lookups import IdIn
from sosoon_site.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_id_in_matches_what_pk_in_matches():
    people = [UserFactory() for _ in range(4)]
    wanted = [people[3].pk, people[0].pk, people[3].pk + 1000]

    found = set(User.objects.filter(IdIn("pk", wanted)).values_list("pk", flat=True))

    assert found == set(User.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    assert found == {people[0].pk, people[3].pk}


def test_id_in_an_empty_list_matches_nothing():
    UserFactory()

    assert not User.objects.filter(IdIn("pk", [])).exists()


@pytest.mark.postgres
def test_on_postgresql_the_ids_are_one_array_parameter():
    people = [UserFactory() for _ in range(3)]
    with CaptureQueriesContext(connection) as queries:
        list(User.objects.filter(IdIn("pk", [person.pk for person in people])))

    (query,) = queries
    assert "= ANY(" in query["sql"] and " IN (" not in query["sql"]
