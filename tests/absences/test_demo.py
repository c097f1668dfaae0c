import re

from django.contrib.auth import get_user_model
from django.urls import reverse

from absences.models import Action, Horaire
from eleves.models import Division
from sconet.demo import demo_load
from sms.models import OutboundSms

from .conftest import today_at


def test_the_demo_appel_sends_a_retard_the_sms_that_says_when_the_pupil_arrived(db, client):
    demo_load()
    client.force_login(get_user_model().objects.get(username="viescolaire"))
    college = Division.objects.filter(etablissement__uai="0699990J")
    division = college.filter(eleves__liens__responsable__accepte_sms=True).distinct().first()
    absent, late = division.eleves.filter(liens__responsable__accepte_sms=True).distinct()[:2]
    horaire = Horaire.objects.get(etablissement=division.etablissement, libelle="08:30")
    sms_action = Action.objects.get(etablissement=division.etablissement, libelle_court="SMS")

    page = client.get(reverse("appel"), {"division": division.pk, "horaire": horaire.pk}).content.decode()
    proposed = re.search(r'<option value="(\d+)" selected>SMS retard</option>', page)
    client.post(
        reverse("appel"),
        {
            "division": division.pk,
            "date": today_at(8, 30).date().isoformat(),
            "horaire": horaire.pk,
            "absents": [absent.pk],
            f"arrivee_{late.pk}": "08:47",
            "action": sms_action.pk,
            "retard_action": proposed[1],
            "token": "demo-appel",
        },
    )

    texts = {sms.eleve_label.split()[0]: sms.text for sms in OutboundSms.objects.all()}
    assert (
        f"est arrivé(e) en retard le {today_at(8, 30):%d/%m/%Y} à 08:47 (cours de 08:30)" in texts[late.nom]
    )
    assert f"est en absence le {today_at(8, 30):%d/%m/%Y} à 08:30" in texts[absent.nom]
