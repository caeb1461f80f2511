"""Images attached to posts, stored outside MEDIA_ROOT and served only through the policy."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property

MAX_IMAGES = 4


class PrivateMediaStorage(FileSystemStorage):
    """Files under SOSOON_PRIVATE_MEDIA_ROOT, which no URL maps to: a circle post's image must
    be unreadable to anyone outside the post's audience, so every read goes through a view."""

    def __init__(self):
        super().__init__(base_url=None)

    @cached_property
    def base_location(self):
        return settings.SOSOON_PRIVATE_MEDIA_ROOT

    def _clear_cached_properties(self, setting, **kwargs):
        if setting == "SOSOON_PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)
        super()._clear_cached_properties(setting, **kwargs)

    def url(self, name):
        raise ValueError("Private files have no public URL; link to the serving view.")


private_storage = PrivateMediaStorage()


class PostImage(models.Model):
    post = models.ForeignKey("feeds.Post", on_delete=models.CASCADE, related_name="images")
    file = models.ImageField(
        upload_to="posts/%Y/%m/",
        storage=private_storage,
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["post", "position"]

    def __str__(self) -> str:
        return f"Image {self.position + 1} of post {self.post_id}"

    def get_absolute_url(self) -> str:
        return reverse("feeds:post_image", kwargs={"post_id": self.post_id, "image_id": self.pk})
