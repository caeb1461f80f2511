"""Events in Django admin: site superusers see every event; other staff only those the
audience policy lets them see (`Event.objects.visible_to`), as on every other surface."""

from django.contrib import admin

from feeds.events.models import RSVP, Event


class RSVPInline(admin.TabularInline):
    model = RSVP
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["responded_at"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "starts_at", "capacity", "cancelled_at"]
    list_select_related = ["post__community"]
    search_fields = ["title", "post__body"]
    raw_id_fields = ["post"]
    inlines = [RSVPInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.visible_to(request.user)
