"""What a new établissement starts with: sensible motifs, justificatifs, couleurs, the usual horaires,
an SMS modèle for absences and one for retards with their actions, and a modèle de bilan."""

from datetime import time

COULEURS = (
    ("Bleu", "#6ea8fe"),
    ("Vert", "#7bc47f"),
    ("Jaune", "#f4d35e"),
    ("Orange", "#f0a04b"),
    ("Rouge", "#e35d6a"),
    ("Violet", "#b197fc"),
    ("Gris", "#adb5bd"),
)

# (libellé, couleur, motif légitime par défaut)
MOTIFS = (
    ("Maladie", "Bleu", True),
    ("Rendez-vous médical", "Bleu", True),
    ("Raison familiale", "Vert", True),
    ("Convocation officielle", "Violet", True),
    ("Problème de transport", "Jaune", False),
    ("Convenance personnelle", "Orange", False),
    ("Sans motif", "Rouge", False),
)

JUSTIFICATIFS = (
    "Certificat médical",
    "Mot des parents",
    "Appel téléphonique des parents",
    "Courriel des parents",
    "Convocation",
)

# (libellé, type, début, fin): the usual day of a collège, then Demi-pension and Internat.
HORAIRES = (
    ("08:30", "cours", time(8, 30), time(9, 25)),
    ("09:25", "cours", time(9, 25), time(10, 20)),
    ("10:40", "cours", time(10, 40), time(11, 35)),
    ("11:35", "cours", time(11, 35), time(12, 30)),
    ("14:00", "cours", time(14, 0), time(14, 55)),
    ("14:55", "cours", time(14, 55), time(15, 50)),
    ("16:10", "cours", time(16, 10), time(17, 5)),
    ("17:05", "cours", time(17, 5), time(18, 0)),
    ("Demi-pension", "demi_pension", time(12, 30), time(14, 0)),
    ("Internat", "internat", time(18, 0), time(23, 59)),
)

# (nom, texte): the SMS modèles a new établissement starts with, one for each type of évènement (an
# action names its modèle). A retard's says when the pupil arrived, not only the slot they were late for.
MODELES = (
    (
        "SMS absence",
        "[ETABLISSEMENT] : [PRENOM] [NOM] ([DIVISION]) est absent(e) le [DATE DEBUT] à partir de "
        "[HEURE DEBUT]. Merci de nous contacter au [TELEPHONE ETABLISSEMENT].",
    ),
    (
        "SMS retard",
        "[ETABLISSEMENT] : [PRENOM] [NOM] ([DIVISION]) est arrivé(e) en retard le [DATE DEBUT] à "
        "[HEURE ARRIVEE] (cours de [HEURE DEBUT]). Merci de nous contacter au [TELEPHONE ETABLISSEMENT].",
    ),
)

# (libellé court, libellé long, modèle): an "Envoi de SMS" action for each SMS modèle, offered once the
# school has its provider. The Appel proposes for its retards the one whose modèle says [HEURE ARRIVEE].
ACTIONS = (
    ("SMS absence", "SMS d'absence aux responsables", "SMS absence"),
    ("SMS retard", "SMS de retard aux responsables", "SMS retard"),
)
ACTION_DELAI_ALERTE_JOURS = 2

# The modèle de bilan: every figure, the detail of the events, and a word to the family.
MODELE_BILAN = {
    "nom": "Bilan des absences",
    "titre": "Bilan des absences et retards",
    "texte_bas": "Merci de justifier toute absence auprès de la vie scolaire.",
}
