from sconet.demo import demo_load
from sms.models import ProviderSettings
from sms.selectors import provider_is_configured


def test_the_demo_college_sends_through_the_simulator_and_the_lycee_has_no_provider(db):
    demo_load()

    college = ProviderSettings.objects.get(etablissement__uai="0699990J")
    assert college.provider_code == "simulator"
    assert college.etablissement.sms_provider_changes.get().username == "habilitee"
    assert not provider_is_configured(
        etablissement=college.etablissement.__class__.objects.get(uai="0699991K")
    )
