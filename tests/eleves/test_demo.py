from eleves.models import Eleve, Responsable, SiecleImport
from sconet.demo import demo_load


def test_the_demo_schools_get_their_pupils_through_the_siecle_import(db):
    demo_load()

    college = Eleve.objects.filter(etablissement__uai="0699990J")
    lycee = Eleve.objects.filter(etablissement__uai="0699991K")
    assert college.count() == 12
    assert sorted(lycee.values_list("nom", flat=True)) == ["CŒURDEROY", "LE GALL", "N'DIAYE", "PAYET"]
    assert SiecleImport.objects.count() == 2
    assert Responsable.objects.filter(etablissement__uai="0699990J", accepte_sms=True).count() == 17
