from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from sosoon_site.accounts.models import Block, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["email", "handle", "display_name", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "date_joined"]
    search_fields = ["email", "handle", "display_name"]
    ordering = ["handle"]
    date_hierarchy = "date_joined"
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["handle", "display_name", "avatar", "bio", "time_zone"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "handle", "password1", "password2"]}),
    ]


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["blocker", "blocked", "created"]
    search_fields = ["blocker__handle", "blocked__handle"]
    autocomplete_fields = ["blocker", "blocked"]
    date_hierarchy = "created"
