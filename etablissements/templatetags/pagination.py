from django import template

register = template.Library()


@register.filter
def page_links(page):
    """The page numbers to offer around the current one, long lists elided: 1 2 … 8 9 10 11 12 … 99 100."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=2)
