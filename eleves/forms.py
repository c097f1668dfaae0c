from django import forms

from .models import Division, LienParente, Responsable
from .phones import PhoneError, is_foreign, mobile_parse, phone_format, phone_parse
from .siecle.reader import MAX_XML_BYTES


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes on the widgets."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


ORIGIN_CHOICES = [("False", "français"), ("True", "étranger")]
PHONES = (
    ("tel_domicile", phone_parse),
    ("tel_travail", phone_parse),
    ("tel_mobile", mobile_parse),
)


class FichesIndividuellesForm(forms.Form):
    nom = forms.CharField(label="Nom", required=False, max_length=100)
    prenom = forms.CharField(label="Prénom", required=False, max_length=100)
    division = forms.ModelChoiceField(
        label="Classe", queryset=Division.objects.none(), required=False, empty_label="Toutes"
    )
    sortis = forms.BooleanField(label="avec les élèves sortis", required=False)

    def __init__(self, *args, etablissement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = Division.objects.filter(etablissement=etablissement)
        style(self)


class DivisionFilterForm(forms.Form):
    division = forms.ModelChoiceField(
        label="Classe", queryset=Division.objects.none(), required=False, empty_label="Toutes"
    )

    def __init__(self, *args, etablissement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = Division.objects.filter(etablissement=etablissement)
        style(self)


def _origin_field(label):
    return forms.TypedChoiceField(
        label=label, choices=ORIGIN_CHOICES, coerce=lambda value: value == "True", widget=forms.RadioSelect
    )


class ResponsableForm(forms.ModelForm):
    """The seed's responsable form: the person, and their lien and qualités with this pupil."""

    lien = forms.ChoiceField(label="Lien", choices=LienParente.choices)
    legal_1 = forms.BooleanField(label="Légal 1", required=False)
    legal_2 = forms.BooleanField(label="Légal 2", required=False)
    financier = forms.BooleanField(label="Financier", required=False)
    correspondant = forms.BooleanField(label="Correspondant", required=False)
    tel_domicile = forms.CharField(label="Tél. Domicile", required=False, max_length=30)
    tel_travail = forms.CharField(label="Tél. Travail", required=False, max_length=30)
    tel_mobile = forms.CharField(label="Tél. Mobile", required=False, max_length=30)
    tel_domicile_etranger = _origin_field("Tél. Domicile")
    tel_travail_etranger = _origin_field("Tél. Travail")
    tel_mobile_etranger = _origin_field("Tél. Mobile")

    class Meta:
        model = Responsable
        fields = [
            "civilite",
            "nom",
            "prenom",
            "autorise_communication",
            "adresse",
            "code_postal",
            "commune",
            "pays",
            "courriel",
            "tel_domicile",
            "tel_domicile_etranger",
            "tel_travail",
            "tel_travail_etranger",
            "tel_mobile",
            "tel_mobile_etranger",
            "accepte_sms",
        ]
        widgets = {"adresse": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, lien, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
        self.lien = lien
        for name, _ in PHONES:
            self.initial[name] = phone_format(self.initial.get(name, ""))
        self.initial.update(
            lien=lien.lien,
            legal_1=lien.legal_rank == 1,
            legal_2=lien.legal_rank == 2,
            financier=lien.financier,
            correspondant=lien.correspondant,
        )

    def clean(self):
        cleaned = super().clean()
        for name, parse in PHONES:
            if name not in cleaned:
                continue
            try:
                cleaned[name] = parse(cleaned[name], etranger=cleaned.get(f"{name}_etranger", False))
            except PhoneError as error:
                self.add_error(name, error.message)
            else:
                # "+44 7…" typed with "français" ticked: the number says where it is from, as on import.
                cleaned[f"{name}_etranger"] = is_foreign(cleaned[name])
        if cleaned.get("legal_1") and cleaned.get("legal_2"):
            self.add_error("legal_2", "Un responsable ne peut pas être à la fois Légal 1 et Légal 2.")
        for rank in (1, 2):
            if cleaned.get(f"legal_{rank}"):
                other = self.lien.eleve.liens.filter(legal_rank=rank).exclude(pk=self.lien.pk).first()
                if other:
                    self.add_error(
                        f"legal_{rank}",
                        f"{other.responsable.nom} {other.responsable.prenom} est déjà "
                        f"Légal {rank} de cet élève.",
                    )
        if cleaned.get("accepte_sms") and not cleaned.get("tel_mobile") and "tel_mobile" not in self.errors:
            self.add_error("tel_mobile", "Pour accepter les SMS, il faut un numéro de mobile.")
        return cleaned

    @property
    def responsable_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    @property
    def lien_values(self) -> dict:
        data = self.cleaned_data
        return {
            "lien": data["lien"],
            "legal_rank": 1 if data["legal_1"] else 2 if data["legal_2"] else 0,
            "financier": data["financier"],
            "correspondant": data["correspondant"],
        }


class SiecleUploadForm(forms.Form):
    eleves = forms.FileField(
        label="Fichier des élèves",
        help_text="ElevesSansAdresses.xml ou ElevesAvecAdresses.xml, ou l'archive ExportXML_….zip",
    )
    responsables = forms.FileField(
        label="Fichier des responsables",
        help_text="ResponsablesAvecAdresses.xml, ou l'archive ExportXML_ResponsablesAvecAdresses.zip",
    )

    def clean(self):
        cleaned = super().clean()
        for name in ("eleves", "responsables"):
            upload = cleaned.get(name)
            if upload and upload.size > MAX_XML_BYTES:
                self.add_error(name, f"« {upload.name} » est trop volumineux pour être un export SIECLE.")
        return cleaned

    def files_read(self) -> list[tuple[str, bytes]]:
        return [
            (upload.name, upload.read())
            for upload in (self.cleaned_data["eleves"], self.cleaned_data["responsables"])
        ]
