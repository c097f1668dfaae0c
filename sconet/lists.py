"""What the Envoi aux familles lists share (SMS à diffuser, Suivi des SMS, Courriers, Courriels): the
sortable columns (``?tri=eleve``, ``?tri=-eleve``) and the pages of 20, "Enregistrement(s) 1 à 20, sur
N trouvé(s)" (``templates/sconet/pagination.html``)."""

from django.db.models import QuerySet

PAGE_SIZE = 20

# The columns every outbox list sorts by (the rows carry a snapshot under these names).
OUTBOX_SORTS = {
    "action": ("action_label", "pk"),
    "eleve": ("eleve_label", "pk"),
    "division": ("division_label", "eleve_label", "pk"),
    "evenement": ("event_label", "pk"),
    "destinataire": ("recipient_label", "pk"),
    "etat": ("state_changed_at", "pk"),
}


def sorted_by(queryset: QuerySet, sort: str, sorts: dict, default: tuple[str, ...]) -> QuerySet:
    """``sort`` is a key of ``sorts``, "-" before it for the descending order; any other value sorts by
    ``default``."""
    key = sort.removeprefix("-")
    fields = sorts.get(key, default)
    if sort.startswith("-"):
        fields = tuple(f"-{name}" for name in fields)
    return queryset.order_by(*fields)


class SortedListMixin:
    """For a ListView: pages of 20 and the ``?tri=`` of ``sorts`` (given to the template as ``sort``)."""

    paginate_by = PAGE_SIZE
    sorts = OUTBOX_SORTS

    def paginate_queryset(self, queryset, page_size):
        """A page beyond the end (the list shrank since the link was shown: rows sent, deleted,
        delivered) shows the last page instead of "page not found"."""
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    @property
    def sort(self) -> str:
        sort = self.request.GET.get("tri", "")
        return sort if sort.removeprefix("-") in self.sorts else ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(sort=self.sort, **kwargs)
