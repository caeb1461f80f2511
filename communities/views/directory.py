"""Finding and founding communities: the directory of listed ones and the create form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from communities.forms import CommunityCreateForm
from communities.models import Community, MembershipStatus
from communities.services.communities import check_create_community, may_create_communities

PAGE_SIZE = 20


def directory(request):
    """Listed communities only; unlisted ones never appear here, whatever the query."""
    query = request.GET.get("q", "").strip()
    communities = Community.objects.listed().annotate(
        member_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE))
    )
    if query:
        communities = communities.filter(Q(name__icontains=query) | Q(description__icontains=query))
    page = Paginator(communities.order_by("name"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "communities/directory.html",
        {
            "page": page,
            "query": query,
            "may_create": may_create_communities(request.user),
        },
    )


@login_required
def create(request):
    if not may_create_communities(request.user):
        raise PermissionDenied(_("Your account may not create communities."))
    form = CommunityCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        community = check_create_community(
            request.user,
            name=data["name"],
            slug=data["slug"],
            description=data["description"],
            discoverability=data["discoverability"],
            avatar=data.get("avatar") or "",
            cover=data.get("cover") or "",
        )
        messages.success(
            request, _("%(name)s is ready. Invite your first members.") % {"name": community.name}
        )
        return redirect(community)
    return render(request, "communities/create.html", {"form": form})
