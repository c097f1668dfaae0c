"""What the Envoi aux familles lists with ticked boxes share (SMS à diffuser, Courriers, Courriels):
the boxes ticked again when coming back (``?sms=``, ``?envoi=`` in the address), and « Supprimer »,
which lists the rows ticked that still wait and changes nothing until « Confirmer »."""

from dataclasses import dataclass

from django.shortcuts import redirect, render

from sconet.ids import ids_of

# The button of the confirmation page; "supprimer" is the list's button, that only asks.
CONFIRM = "confirmer-suppression"


@dataclass(frozen=True)
class DeletionWords:
    """How the confirmation speaks of the rows: « Vous allez supprimer 2 {noun} : ils ne seront pas
    {not_done}. »"""

    heading: str  # the list's title: "SMS à diffuser"
    noun: str  # "SMS", "courrier(s)"
    not_done: str  # "envoyés", "édités"
    kept: str  # where the rows deleted stay visible


class SelectionMixin:
    """For a list view whose boxes are named ``selection_name``: the list's address, with the boxes
    ``selected`` ticked (``?sms=1&sms=2``); the boxes ticked in the address are given to the template
    as ``selected``, and the list's address without them as ``list_url`` (the form posts there). Its
    « Supprimer » speaks of the rows with ``deletion_words``."""

    selection_name: str
    deletion_words: DeletionWords

    def selected(self) -> set[int]:
        return set(ids_of(self.request.GET.getlist(self.selection_name)))

    def list_url(self, *, selected: list[int] = ()) -> str:
        """This page of the list, in its sort, with ``selected`` ticked (none by default)."""
        query = self.request.GET.copy()
        query.pop(self.selection_name, None)
        if selected:
            query.setlist(self.selection_name, [str(pk) for pk in selected])
        encoded = query.urlencode()
        return f"{self.request.path}?{encoded}" if encoded else self.request.path

    def get_context_data(self, **kwargs):
        return super().get_context_data(selected=self.selected(), list_url=self.list_url(), **kwargs)

    def already_done(self, count: int) -> None:
        """Says that ``count`` rows ticked were no longer waiting (a colleague's work meanwhile)."""
        raise NotImplementedError

    def supprimer_confirm(self, ids: list[int], waiting):
        """« Vous allez supprimer N … »: the rows of ``ids`` still ``waiting`` (a queryset), nothing
        changed until the confirmation's POST (``action=confirmer-suppression``). "Annuler" comes back
        to the list with the same boxes ticked."""
        rows = list(waiting.filter(pk__in=ids))
        self.already_done(len(ids) - len(rows))
        if not rows:
            return redirect(self.list_url())
        return render(
            self.request,
            "sconet/delete_confirm.html",
            {
                "rows": rows,
                "words": self.deletion_words,
                "selection_name": self.selection_name,
                "confirm": CONFIRM,
                "confirm_url": self.list_url(),
                "cancel_url": self.list_url(selected=[row.pk for row in rows]),
            },
        )
