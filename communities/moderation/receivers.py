"""Moderation tells governance when content is withheld or goes back out
(`content_withheld`, `content_released`, communities.signals): whenever a `WithheldContent`
row is made or goes, by holding, hiding, approval, unhiding or a cascade, so a capability that
numbers its content's changes (chat) numbers this one too, and one that keeps a list of who
may take part (an event's room) keeps it in step."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from communities.moderation.models import WithheldContent
from communities.signals import content_released, content_withheld


@receiver(post_save, sender=WithheldContent, dispatch_uid="moderation.withheld")
def announce_withholding(sender, instance: WithheldContent, created: bool, **kwargs) -> None:
    if created:
        content_withheld.send(
            WithheldContent, label=instance.target_label, target_id=instance.target_id
        )


@receiver(post_delete, sender=WithheldContent, dispatch_uid="moderation.released")
def announce_release(sender, instance: WithheldContent, **kwargs) -> None:
    content_released.send(
        WithheldContent, label=instance.target_label, target_id=instance.target_id
    )
