"""A person's texts longer than their fields are refused with a message by the services, on
every database (attack 22: on PostgreSQL a 500-character name ended a whole import with
"value too long"; SQLite stored it as given)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from scrutiny import services
from scrutiny.models import Person

pytestmark = pytest.mark.django_db


def test_too_long_texts_are_refused_with_the_field_and_its_limit():
    with pytest.raises(ValidationError) as caught:
        services.create_person(kind=Person.Kind.COUNCILLOR, name="N" * 201, ward="W" * 101, by=None)
    assert caught.value.message_dict == {
        "name": ["The name must be 200 characters or fewer."],
        "ward": ["The ward must be 100 characters or fewer."],
    }
    assert not Person.objects.exists()
    person = services.create_person(kind=Person.Kind.COUNCILLOR, name="Ann Lee", by=None)
    with pytest.raises(ValidationError) as caught:
        services.update_person(person=person, party="P" * 101, by=None)
    assert caught.value.message_dict == {"party": ["The party must be 100 characters or fewer."]}
    person.refresh_from_db()
    assert person.party == ""
