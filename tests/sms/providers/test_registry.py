import pytest

from sms.providers import PROVIDERS, get_provider_class, provider_choices
from sms.providers.base import Provider


def test_every_registered_provider_is_a_provider_with_its_code():
    for code in PROVIDERS:
        provider_class = get_provider_class(code)

        assert issubclass(provider_class, Provider)
        assert provider_class.code == code
        assert provider_class.capabilities.max_batch >= 1


def test_provider_choices_show_sconet_labels():
    assert provider_choices() == [
        ("pluriware", "PLURIWARE"),
        ("digitalmedia", "DIGITAL MEDIA"),
        ("simulator", "SIMULATEUR"),
    ]


def test_an_unknown_code_is_refused():
    with pytest.raises(LookupError):
        get_provider_class("nope")
