"""Moderation tells governance when withheld content goes back out (`content_released`,
communities.signals): whenever a `WithheldContent` row goes, by approval, unhiding or a
cascade, so a capability that numbers its content's changes (chat) numbers this one too."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from communities.moderation.models import WithheldContent
from communities.signals import content_released


@receiver(post_delete, sender=WithheldContent, dispatch_uid="moderation.released")
def announce_release(sender, instance: WithheldContent, **kwargs) -> None:
    content_released.send(
        WithheldContent, label=instance.target_label, target_id=instance.target_id
    )
