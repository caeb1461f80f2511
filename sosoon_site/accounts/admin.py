from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from sosoon_site.accounts.models import Block, User
from sosoon_site.header_safe import validate_header_safe


def header_safe_field(field, *, what: str):
    """`field` (an admin form field for a name that may reach an email header) refusing line
    breaks and control characters, as the site's own forms do."""
    field.validators.append(lambda value: validate_header_safe(value, what=what))
    return field


class EmailPrivacyMixin:
    """Only superusers see or search by email addresses: staff such as the Moderators group
    find people by handle and name, and learn no address (not even by searching for one)."""

    def get_list_display(self, request):
        fields = super().get_list_display(request)
        if request.user.is_superuser:
            return fields
        return [field for field in fields if "email" not in field]

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if request.user.is_superuser:
            return fields
        return [field for field in fields if "email" not in field]


PROFILE_FIELDS = ["handle", "display_name", "avatar", "bio", "time_zone", "language"]


@admin.register(User)
class UserAdmin(EmailPrivacyMixin, DjangoUserAdmin):
    """Superusers manage accounts; other staff see a profile without the email address,
    the password hash or the permission fields."""

    list_display = ["email", "handle", "display_name", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "date_joined"]
    search_fields = ["email", "handle", "display_name"]
    ordering = ["handle"]
    date_hierarchy = "date_joined"
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {"fields": ["handle", "display_name", "avatar", "bio", "time_zone", "language"]},
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    staff_fieldsets = [
        (None, {"fields": PROFILE_FIELDS}),
        (_("Status"), {"fields": ["is_active", "is_staff", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "handle", "password1", "password2"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "display_name":
            header_safe_field(field, what=_("A display name"))
        return field

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.staff_fieldsets
        return super().get_fieldsets(request, obj)


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["blocker", "blocked", "created"]
    search_fields = ["blocker__handle", "blocked__handle"]
    autocomplete_fields = ["blocker", "blocked"]
    date_hierarchy = "created"
