from django.contrib import admin


class RecordAdmin(admin.ModelAdmin):
    """For looking only, at what was sent to families: states change through the services, never by
    hand, and such a record is the school's memory of it: never added, changed or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
