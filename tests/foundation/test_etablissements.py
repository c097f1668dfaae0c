from django.urls import reverse

from etablissements.middleware import SESSION_KEY
from tests import factories


def test_a_user_of_one_school_works_there_without_choosing(
    vie_scolaire_client, etablissement, other_etablissement
):
    response = vie_scolaire_client.get(reverse("home"))

    assert response.status_code == 200
    assert response.wsgi_request.etablissement == etablissement
    assert "Collège Victor Hugo" in response.content.decode()
    assert "Lycée Jean Moulin" not in response.content.decode()


def test_a_user_of_several_schools_picks_one_then_sees_it_in_the_top_bar(
    client, etablissement, other_etablissement
):
    user = factories.vie_scolaire(etablissement)
    user.memberships.create(etablissement=other_etablissement)
    client.force_login(user)

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("etablissement_choose"))

    response = client.post(
        reverse("etablissement_choose"), {"etablissement": other_etablissement.pk, "next": "/"}, follow=True
    )
    assert response.wsgi_request.etablissement == other_etablissement
    assert "Lycée Jean Moulin (0699991K)" in response.content.decode()


def test_a_user_cannot_choose_a_school_they_are_not_attached_to(vie_scolaire_client, other_etablissement):
    response = vie_scolaire_client.post(
        reverse("etablissement_choose"), {"etablissement": other_etablissement.pk}
    )

    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert vie_scolaire_client.session.get(SESSION_KEY) is None


def test_a_forged_session_never_reaches_another_school(
    vie_scolaire_client, etablissement, other_etablissement
):
    session = vie_scolaire_client.session
    session[SESSION_KEY] = other_etablissement.pk
    session.save()

    response = vie_scolaire_client.get(reverse("home"))

    assert response.wsgi_request.etablissement == etablissement


def test_a_user_attached_to_no_school_is_refused(client, db):
    client.force_login(factories.UserFactory())

    response = client.get(reverse("home"))

    assert response.status_code == 403
    assert "rattaché à aucun établissement" in response.content.decode()


def test_roles_are_created_by_a_migration(db):
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {"Vie scolaire", "Personne habilitée"}
