import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from etablissements.models import Etablissement, Membership
from etablissements.roles import PERSONNE_HABILITEE, VIE_SCOLAIRE

UAI_KEY_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def _uai(n: int) -> str:
    digits = f"{690000 + n:07d}"
    return digits + UAI_KEY_LETTERS[int(digits) % 23]


class EtablissementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Etablissement
        django_get_or_create = ("uai",)

    uai = factory.Sequence(_uai)
    nom = factory.Sequence(lambda n: f"Collège numéro {n}")
    telephone = "04 72 00 00 00"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"agent{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Agent{n}")
    password = factory.PostGenerationMethodCall("set_password", "motdepasse-test")

    @factory.post_generation
    def etablissements(self, create, extracted, **kwargs):
        for etablissement in extracted or ():
            Membership.objects.create(user=self, etablissement=etablissement)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            # get_or_create: a transactional test flushes the rows that the roles migration created.
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])
        self.save()


def vie_scolaire(etablissement, **kwargs):
    return UserFactory(etablissements=[etablissement], role=VIE_SCOLAIRE, **kwargs)


def habilitee(etablissement, **kwargs):
    return UserFactory(etablissements=[etablissement], role=PERSONNE_HABILITEE, **kwargs)


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "eleves.Division"
        django_get_or_create = ("etablissement", "code")

    etablissement = factory.SubFactory(EtablissementFactory)
    code = factory.Sequence(lambda n: f"5{chr(ord('A') + n % 26)}{n // 26 or ''}")


class EleveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "eleves.Eleve"

    etablissement = factory.SubFactory(EtablissementFactory)
    division = factory.SubFactory(DivisionFactory, etablissement=factory.SelfAttribute("..etablissement"))
    siecle_id = factory.Sequence(lambda n: str(100000 + n))
    nom = factory.Sequence(lambda n: f"ELEVE{n}")
    prenom = "Pauline"


class ResponsableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "eleves.Responsable"

    etablissement = factory.SubFactory(EtablissementFactory)
    siecle_id = factory.Sequence(lambda n: str(500000 + n))
    civilite = "M."
    nom = factory.Sequence(lambda n: f"PARENT{n}")
    prenom = "Daniel"
    tel_mobile = factory.Sequence(lambda n: f"+336{10000000 + n:08d}")
    accepte_sms = True


class LienFactory(factory.django.DjangoModelFactory):
    """A responsable of a pupil; by default Légal 1 - Financier, the father."""

    class Meta:
        model = "eleves.Lien"

    eleve = factory.SubFactory(EleveFactory)
    responsable = factory.SubFactory(
        ResponsableFactory, etablissement=factory.SelfAttribute("..eleve.etablissement")
    )
    lien = "20"
    legal_rank = 1
    financier = True


class EvenementFactory(factory.django.DjangoModelFactory):
    """An absence of a pupil, in the pupil's établissement: give ``debut`` and ``fin``."""

    class Meta:
        model = "absences.Evenement"

    eleve = factory.SubFactory(EleveFactory)
    etablissement = factory.SelfAttribute("eleve.etablissement")
