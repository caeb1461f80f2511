"""The signed-in person's own profile and the people they have blocked."""

from allauth.account.views import SignupView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sosoon_site.accounts.blocks import check_block, check_unblock
from sosoon_site.accounts.forms import ProfileForm
from sosoon_site.accounts.signup_gate import SignupRefused, offered_address
from sosoon_site.languages import in_language_of


@login_required
def edit_profile(request):
    form = ProfileForm(request.POST or None, request.FILES or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        # Said in the language just chosen, which the next page is shown in.
        with in_language_of(request.user):
            messages.success(request, _("Your profile is saved."))
        return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def blocked_people(request):
    """The people I have blocked, each with a way to unblock."""
    blocks = request.user.blocks_made.select_related("blocked").order_by("-created")
    return render(request, "accounts/blocked.html", {"blocks": blocks})


@login_required
@require_POST
def block_person(request, handle: str):
    block = check_block(request.user, handle)
    messages.success(
        request,
        _("You blocked @%(handle)s. Neither of you will see the other.")
        % {"handle": block.blocked.handle},
    )
    return redirect(safe_next(request) or "blocked_people")


@login_required
@require_POST
def unblock_person(request, handle: str):
    check_unblock(request.user, handle)
    messages.success(request, _("You unblocked @%(handle)s.") % {"handle": handle})
    return redirect(safe_next(request) or "blocked_people")


def safe_next(request) -> str | None:
    """The `next` field when it points back into this site, else None."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


class WholeSignupView(SignupView):
    """allauth's sign-up in one transaction: the account, its address, whatever the sign-up
    receivers claim (an invitation's use, a membership) and its verification mail are saved
    together, or, when a receiver raises SignupRefused, not at all and the form says why.
    The form starts with the address the sign-up gate offers (an emailed invitation's)."""

    def get_initial(self) -> dict:
        initial = super().get_initial()
        address = offered_address(self.request)
        if address:
            initial["email"] = address
        return initial

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except SignupRefused as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)


signup = WholeSignupView.as_view()
