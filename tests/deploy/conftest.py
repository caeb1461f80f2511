"""A production install on this machine, shared by the tests of this folder.

One scratch database (SQLite in a temporary directory, or `<DATABASE_URL's name>_deploy` on
PostgreSQL), migrated and with static files collected in the production profile, holding one
community with a public post and a members-only post, each with an image.
"""

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.deploy.environment_file import filled_in
from tests.deploy.production import manage_or_fail
from tests.e2e.databases import scratch_database

CONTENT = """
import io, json
from PIL import Image
from django.core.files.uploadedfile import SimpleUploadedFile
from communities.services.communities import do_create_community
from feeds.services.posts import do_create_post
from sosoon_site.accounts.models import User
from sosoon_site.images import clean_image

def image(colour):
    data = io.BytesIO()
    Image.new("RGB", (16, 16), colour).save(data, "PNG")
    return clean_image(SimpleUploadedFile("photo.png", data.getvalue(), "image/png"))

owner = User.objects.create_user(email="owner@example.org", password=None)
community = do_create_community(
    owner, name="Deployers", slug="deployers", discoverability="listed", allow_public_teasers=True
)
public = do_create_post(
    owner, community, body="Open house", audience="public", images=[image("red")]
)
members = do_create_post(
    owner, community, body="Members only", audience="community", images=[image("blue")]
)
print(json.dumps({
    "public_post": public.pk,
    "public_image": public.images.get().get_absolute_url(),
    "public_file": public.images.get().file.name,
    "members_image": members.images.get().get_absolute_url(),
}))
"""


@dataclass(frozen=True)
class ProductionInstall:
    env: Mapping[str, str]
    workdir: Path
    content: Mapping[str, object]

    @property
    def private_root(self) -> Path:
        return Path(self.env["SOSOON_PRIVATE_MEDIA_ROOT"])


@pytest.fixture(scope="session")
def production_install(tmp_path_factory) -> Iterator[ProductionInstall]:
    workdir = tmp_path_factory.mktemp("production")
    with scratch_database(
        os.environ.get("DATABASE_URL", ""), suffix="deploy", directory=workdir
    ) as database_url:
        env = filled_in(database_url=database_url, workdir=workdir)
        manage_or_fail(env, "migrate", "--noinput", "--verbosity", "0")
        manage_or_fail(env, "collectstatic", "--noinput", "--verbosity", "0")
        printed = manage_or_fail(env, "shell", "--no-imports", "--verbosity", "0", "-c", CONTENT)
        yield ProductionInstall(env, workdir, json.loads(printed.strip().splitlines()[-1]))
