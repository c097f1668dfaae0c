from etablissements.roles import is_habilitee

from . import navigation


def shell(request):
    """The SCONET shell around every page: the menu the user may use and the breadcrumb."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    match = request.resolver_match
    found = navigation.find_by_url_name(match.view_name) if match else None
    return {
        "menu": navigation.visible_menu(habilitee=is_habilitee(request.user)),
        "top_bar": navigation.TOP_BAR,
        "current_entry": found[0] if found else None,
        "breadcrumb": [*found[1], found[0]] if found else [],
        "is_habilitee": is_habilitee(request.user),
    }
