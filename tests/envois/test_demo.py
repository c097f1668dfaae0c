from absences.models import Action
from sconet.demo import demo_load


def test_the_demo_college_has_a_courrier_and_a_courriel_action_and_a_letterhead(db):
    demo_load()

    actions = Action.objects.filter(etablissement__uai="0699990J")
    assert set(actions.values_list("traitement", flat=True)) == {"sms", "courrier", "courriel"}
    courrier = actions.get(traitement="courrier")
    assert courrier.modele.texte.startswith("Madame, Monsieur,")
    assert courrier.etablissement.adresse == "12 rue Victor Hugo"
