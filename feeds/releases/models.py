"""A release ladder's later steps. The opening step is the post's own audience."""

from django.db import models

from feeds.policy import Audience

# A ladder step may be for a tier, the community or the public: the audiences that nest.
STEP_AUDIENCES = (Audience.TIER, Audience.COMMUNITY, Audience.PUBLIC)


class ReleaseStep(models.Model):
    """From `at` on, `post` is for `audience` (with `min_tier`), wider than the step before.

    Read by the audience policy at read time; `announced` is when the release job told the
    people this step newly reached (None until then), so it tells them once."""

    post = models.ForeignKey("feeds.Post", on_delete=models.CASCADE, related_name="release_steps")
    at = models.DateTimeField()
    audience = models.CharField(max_length=10, choices=[(a.value, a.label) for a in STEP_AUDIENCES])
    # A deleted tier leaves the step to the steps before it, never to more people.
    min_tier = models.ForeignKey(
        "communities.Tier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    announced = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["post", "at"]
        indexes = [
            # The policy's question: the latest step of this post at or before now.
            models.Index(fields=["post", "-at"], name="feeds_release_step_post_at"),
            # The release job's question: steps due and not yet announced.
            models.Index(
                fields=["at"],
                condition=models.Q(announced__isnull=True),
                name="feeds_release_step_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_audience_display()} from {self.at:%Y-%m-%d %H:%M}, post {self.post_id}"
