"""The demo dataset's accounts share a published password: production refuses to create them."""

from tests.deploy.production import manage, manage_or_fail

COUNT = (
    "from sosoon_site.accounts.models import User; from communities.models import Community; "
    "print(User.objects.count(), Community.objects.count())"
)


def test_seed_demo_refuses_with_debug_off_and_creates_nothing(production_install):
    env = production_install.env
    before = manage_or_fail(env, "shell", "--no-imports", "-v", "0", "-c", COUNT)

    result = manage(env, "seed_demo")

    assert result.returncode != 0
    message = result.stderr.strip()
    assert message.count("\n") == 0, message
    assert "known password" in message and "DEBUG=1" in message
    assert manage_or_fail(env, "shell", "--no-imports", "-v", "0", "-c", COUNT) == before
    assert "Demo data" not in result.stdout
