"""Five visitors sign up at once through one one-use link on a real daphne: one account, and
the other four are told the invitation has been used, with nothing saved for them. Runs on
SQLite and, in CI's second pass, on PostgreSQL (the live site's database follows
DATABASE_URL), where the sign-ups really run side by side."""

import threading

import httpx

from tests.site.live_site import live_site, one_use_invitation, open_signup_form, submit_signup

VISITORS = 5
STATE = """
from communities.models import Invitation, Membership
from sosoon_site.accounts.models import User
print(User.objects.filter(email__startswith="racer").count(),
      Membership.objects.filter(user__email__startswith="racer").count(),
      Invitation.objects.get().use_count)
"""


def test_five_visitors_racing_through_a_one_use_link_make_one_account(tmp_path):
    with live_site(tmp_path, suffix="race", ACCOUNT_EMAIL_VERIFICATION="optional") as site:
        token = one_use_invitation(site)
        visitors = [httpx.Client(base_url=site.base_url, timeout=30) for _ in range(VISITORS)]
        tokens = [open_signup_form(visitor, token) for visitor in visitors]
        start, responses = threading.Barrier(VISITORS), [None] * VISITORS

        def sign_up(number: int) -> None:
            start.wait()
            responses[number] = submit_signup(
                visitors[number], tokens[number], email=f"racer{number}@example.test",
                handle=f"racer{number}",
            )  # fmt: skip

        threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(VISITORS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for visitor in visitors:
            visitor.close()

        assert sorted(r.status_code for r in responses) == [200] * (VISITORS - 1) + [302]
        for refused in (r for r in responses if r.status_code == 200):
            assert "This invitation has been used: no account was made." in refused.text
        assert site.python(STATE).split() == ["1", "1", "1"]
