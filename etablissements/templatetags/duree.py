from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def duree(value: timedelta) -> str:
    """A duration as staff say it: "15 minutes", "1 heure", "2 heures 30 minutes"."""
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} heure{'s' if hours > 1 else ''}")
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes > 1 else ''}")
    return " ".join(parts)
