import pytest

from eleves.models import Responsable
from eleves.sms_reach import INVALID_MOBILE, NO_CONSENT, NO_MOBILE, sms_reach


@pytest.mark.parametrize(
    ("accepte_sms", "mobile", "can_receive", "reason"),
    [
        (True, "+33612345678", True, ""),
        (True, "+262692412783", True, ""),  # La Réunion
        (True, "+32470123456", True, ""),  # Belgique
        (False, "+33612345678", False, NO_CONSENT),
        (True, "", False, NO_MOBILE),
        (True, "+33146000000", False, INVALID_MOBILE),  # a landline is no mobile
        (True, "+33692412783", False, INVALID_MOBILE),  # a Réunion mobile wrongly prefixed +33
        (True, "0612", False, INVALID_MOBILE),
    ],
)
def test_an_sms_reaches_only_a_consenting_responsable_with_a_valid_mobile(
    accepte_sms, mobile, can_receive, reason
):
    responsable = Responsable(nom="REITER", prenom="Daniel", accepte_sms=accepte_sms, tel_mobile=mobile)

    reach = sms_reach(responsable)

    assert (reach.can_receive, reach.reason) == (can_receive, reason)


def test_a_link_names_its_qualites_as_sconet_does(db):
    from tests.factories import LienFactory

    lien = LienFactory(legal_rank=1, financier=True)
    other = LienFactory(eleve=lien.eleve, legal_rank=2, financier=False)

    assert lien.qualites_label == "Légal 1 - Financier"
    assert other.qualites_label == "Légal 2"
