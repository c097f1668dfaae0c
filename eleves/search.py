"""The search key of a name: "Fiches individuelles" ignores case, accents and punctuation."""

import unicodedata

LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def search_key(text: str) -> str:
    """ "N'DIAYE-Œuvré" → "ndiayeoeuvre": lower case, no accents, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).casefold()
