"""The SMS providers sconet can use. A new provider is one module and one line here."""

from django.utils.module_loading import import_string

PROVIDERS = {
    "pluriware": "sms.providers.pluriware.PluriwareProvider",
    "digitalmedia": "sms.providers.digitalmedia.DigitalMediaProvider",
    "simulator": "sms.providers.simulator.SimulatorProvider",
}


def get_provider_class(code: str):
    """The adapter class for a provider code; LookupError for a code we do not know."""
    try:
        dotted_path = PROVIDERS[code]
    except KeyError:
        raise LookupError(f"Unknown SMS provider code: {code!r}") from None
    return import_string(dotted_path)


def provider_choices() -> list[tuple[str, str]]:
    """(code, label) for each provider, as the Fournisseur de services page lists them."""
    return [(code, get_provider_class(code).label) for code in PROVIDERS]
