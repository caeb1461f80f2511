"""Django admin for communities. Bulk actions call the same services as the pages."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from communities.models import (
    Community,
    InvalidInvitationRow,
    Invitation,
    InvitationBatch,
    JoinRequest,
    Membership,
    MembershipStatus,
    Role,
    Tier,
)
from communities.services.invitations import do_revoke_invitation
from communities.services.members import do_ban_member, do_unban_member
from sosoon_site.accounts.admin import EmailPrivacyMixin, header_safe_field


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "tier", "status", "joined_at"]
    readonly_fields = ["joined_at"]
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "tier" and request.resolver_match.kwargs.get("object_id"):
            kwargs["queryset"] = Tier.objects.filter(
                community_id=request.resolver_match.kwargs["object_id"]
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TierInline(admin.TabularInline):
    model = Tier
    extra = 0


@admin.register(Community)
class CommunityAdmin(EmailPrivacyMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "owner", "discoverability", "member_cap", "created_at"]
    list_filter = ["discoverability", "allow_public_teasers"]
    search_fields = ["name", "slug", "description", "owner__email", "owner__handle"]
    autocomplete_fields = ["owner"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "created_at"
    inlines = [TierInline, MembershipInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "name":
            header_safe_field(field, what="A community's name")
        return field


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "rank"]
    search_fields = ["name", "community__name"]
    autocomplete_fields = ["community"]
    list_filter = ["rank"]


@admin.register(Membership)
class MembershipAdmin(EmailPrivacyMixin, admin.ModelAdmin):
    list_display = ["user", "community", "role", "tier", "status", "muted_until", "joined_at"]
    list_filter = ["role", "status", ("muted_until", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__handle", "user__display_name", "community__name"]
    autocomplete_fields = ["user", "community", "tier", "joined_via_invitation"]
    raw_id_fields = ["joined_via_request"]
    date_hierarchy = "joined_at"
    list_select_related = ["user", "community", "tier"]
    actions = ["ban_members", "unban_members"]

    @admin.action(description="Ban the selected members (not owners)")
    def ban_members(self, request, queryset):
        banned = 0
        for membership in queryset.exclude(role=Role.OWNER).select_related("community", "user"):
            try:
                do_ban_member(membership.community, membership.user)
            except ValidationError:
                continue
            banned += 1
        skipped = queryset.filter(role=Role.OWNER).count()
        self.message_user(
            request, f"Banned {banned}; skipped {skipped} owner(s).", messages.SUCCESS
        )

    @admin.action(description="Lift the ban on the selected members")
    def unban_members(self, request, queryset):
        lifted = 0
        for membership in queryset.filter(status=MembershipStatus.BANNED):
            do_unban_member(membership)
            lifted += 1
        self.message_user(request, f"Lifted {lifted} ban(s).", messages.SUCCESS)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "community",
        "email",
        "role",
        "tier",
        "use_count",
        "max_uses",
        "expires_at",
        "revoked_at",
        "created_by",
        "created_at",
    ]
    list_filter = ["role", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "community__name", "created_by__email", "token"]
    autocomplete_fields = ["community", "created_by", "tier"]
    raw_id_fields = ["batch"]
    readonly_fields = ["token", "use_count"]
    date_hierarchy = "created_at"
    list_select_related = ["community", "tier", "created_by"]
    actions = ["revoke_invitations"]

    @admin.action(description="Revoke the selected invitations")
    def revoke_invitations(self, request, queryset):
        count = 0
        for invitation in queryset.filter(revoked_at__isnull=True):
            do_revoke_invitation(invitation)
            count += 1
        self.message_user(request, f"Revoked {count} invitation(s).", messages.SUCCESS)


class InvalidInvitationRowInline(admin.TabularInline):
    model = InvalidInvitationRow
    extra = 0
    readonly_fields = ["row_number", "value", "reason"]
    can_delete = False


@admin.register(InvitationBatch)
class InvitationBatchAdmin(admin.ModelAdmin):
    list_display = [
        "community",
        "created_by",
        "status",
        "total",
        "sent",
        "skipped_existing",
        "skipped_duplicate",
        "invalid",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["community__name", "created_by__email"]
    autocomplete_fields = ["community", "created_by", "tier"]
    exclude = ["rows"]
    readonly_fields = [
        "base_url",
        "status",
        "total",
        "sent",
        "skipped_existing",
        "skipped_duplicate",
        "invalid",
        "finished_at",
    ]
    date_hierarchy = "created_at"
    inlines = [InvalidInvitationRowInline]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "user__handle", "community__name", "message"]
    autocomplete_fields = ["user", "community", "decided_by"]
    date_hierarchy = "created_at"
    list_select_related = ["user", "community"]


from communities.moderation import admin as moderation_admin  # noqa: E402, F401 - registers it
