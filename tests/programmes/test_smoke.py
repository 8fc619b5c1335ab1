import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_programme_manager_sees_their_programme(cast, pm_client):
    response = pm_client.get(reverse("programmes:list"))
    assert response.status_code == 200
    assert cast.programme.name in response.content.decode()
    assert cast.other_programme.name not in response.content.decode()
