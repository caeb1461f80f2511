"""Feeds in Django admin. Site superusers see everything; any other staff member sees only
what the audience policy lets them see, like everywhere else."""

from django.contrib import admin

from feeds.models import Circle, CircleMember, Comment, Post, PostImage, Reaction


class PolicyAdmin(admin.ModelAdmin):
    """A ModelAdmin whose list, search and change pages go through the model's `visible_to`."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.visible_to(request.user)


class PostImageInline(admin.TabularInline):
    model = PostImage
    extra = 0
    fields = ["position", "width", "height"]
    readonly_fields = fields


@admin.register(Post)
class PostAdmin(PolicyAdmin):
    list_display = ["id", "community", "author", "audience", "created", "edited", "deleted"]
    list_filter = ["audience", "community"]
    list_select_related = ["community", "author"]
    search_fields = ["body", "author__handle"]
    raw_id_fields = ["community", "author", "min_tier", "circle"]
    readonly_fields = ["body_html", "created"]
    inlines = [PostImageInline]


@admin.register(Comment)
class CommentAdmin(PolicyAdmin):
    list_display = ["id", "post", "author", "created", "deleted"]
    list_select_related = ["post", "author"]
    search_fields = ["body", "author__handle"]
    raw_id_fields = ["post", "author", "parent"]
    readonly_fields = ["body_html"]


@admin.register(Reaction)
class ReactionAdmin(PolicyAdmin):
    list_display = ["id", "post", "user", "emoji", "created"]
    list_select_related = ["post", "user"]
    raw_id_fields = ["post", "user"]


class CircleMemberInline(admin.TabularInline):
    model = CircleMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Circle)
class CircleAdmin(admin.ModelAdmin):
    """Circles are private to their owner: only superusers see other people's."""

    list_display = ["name", "owner", "is_close_friends", "created"]
    raw_id_fields = ["owner"]
    inlines = [CircleMemberInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(owner=request.user)
