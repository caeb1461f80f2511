"""Forms for posts, comments and circles. Validation of content and audience is delegated to
the same functions the services use, so the form and the service cannot disagree."""

from collections.abc import Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from communities.moderation.models import REASON_MAX
from feeds.audiences import audience_choices, validate_audience
from feeds.models import MAX_BODY, MAX_COMMENT, MAX_IMAGES, Audience, PostImage
from feeds.releases.models import STEP_AUDIENCES
from feeds.releases.services import MAX_STEPS, StepDraft, validate_ladder
from feeds.services.posts import validate_content
from sosoon_site.images import ImageLimits, clean_image

POST_IMAGE_LIMITS = ImageLimits()


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImagesField(forms.FileField):
    """Up to MAX_IMAGES uploads, each re-encoded by `clean_image` (bombs and non-images
    refused with the file's name in the message)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if len(uploads) > MAX_IMAGES:
            raise ValidationError(
                ngettext(
                    "A post has at most %(count)s image.",
                    "A post has at most %(count)s images.",
                    MAX_IMAGES,
                )
                % {"count": MAX_IMAGES}
            )
        cleaned, errors = [], []
        for upload in uploads:
            try:
                cleaned.append(clean_image(upload, POST_IMAGE_LIMITS))
            except ValidationError as error:
                errors.extend(f"{upload.name}: {message}" for message in error.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class PostForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("Share something…")}),
        required=False,
        max_length=MAX_BODY,
        strip=False,
        help_text=_("Markdown works: **bold**, _italic_, [links](https://…), @handle."),
    )
    # One list in words of what this author may choose (feeds.audiences.audience_choices);
    # its value stands for the audience with its tier or circle, which `clean_audience`
    # puts in `min_tier` and `circle` for the services.
    audience = forms.ChoiceField(
        label=_("Who will see it"),
        initial=Audience.COMMUNITY,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose who will see the post from the list.")},
    )
    images = ImagesField(
        help_text=format_lazy(_("Up to {count} images (JPEG, PNG, GIF or WebP)."), count=MAX_IMAGES)
    )

    remove_images = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label=_("Remove")
    )

    def __init__(
        self,
        *args,
        author,
        community: Community,
        with_images: bool = True,
        with_ladder: bool = False,
        kept_images: Sequence[PostImage] = (),
        **kwargs,
    ):
        """`kept_images`: when editing, the post's images, which the author may remove.
        `with_ladder`: the composer's page offers a release ladder (up to MAX_STEPS later
        steps, each a time in the author's time zone and a wider audience)."""
        super().__init__(*args, **kwargs)
        self.author, self.community = author, community
        self.kept_images = list(kept_images)
        if self.kept_images:
            self.fields["remove_images"].choices = [
                (image.pk, gettext("Image %(number)s") % {"number": number})
                for number, image in enumerate(self.kept_images, start=1)
            ]
        else:
            del self.fields["remove_images"]
        self.audience_choices = {
            choice.value: choice
            for choice in audience_choices(
                author, community, keep=str(self.initial.get("audience", ""))
            )
        }
        self.fields["audience"].choices = [
            (choice.value, choice.label) for choice in self.audience_choices.values()
        ]
        if not with_images:
            del self.fields["images"]
        self.with_ladder = with_ladder
        if with_ladder:
            self._add_ladder_fields(community)

    def _add_ladder_fields(self, community: Community) -> None:
        audiences = [
            (audience.value, audience.label)
            for audience in STEP_AUDIENCES
            if audience != Audience.PUBLIC or community.allow_public_teasers
        ]
        for number in range(1, MAX_STEPS + 1):
            self.fields[f"step{number}_at"] = forms.DateTimeField(
                required=False,
                label=gettext("Step %(number)s: from") % {"number": number},
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
            )
            self.fields[f"step{number}_audience"] = forms.ChoiceField(
                required=False,
                label=gettext("Step %(number)s: open to") % {"number": number},
                choices=[("", "—"), *audiences],
            )
            self.fields[f"step{number}_min_tier"] = forms.ModelChoiceField(
                queryset=community.tiers.all(),
                required=False,
                label=gettext("Step %(number)s: tier") % {"number": number},
            )

    def ladder_rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField, forms.BoundField]]:
        """(number, time, audience, tier) fields of each ladder step, for the template."""
        if not self.with_ladder:
            return []
        return [
            (
                number,
                self[f"step{number}_at"],
                self[f"step{number}_audience"],
                self[f"step{number}_min_tier"],
            )
            for number in range(1, MAX_STEPS + 1)
        ]

    def ladder_steps(self) -> list[StepDraft]:
        """The filled-in steps, in order; ValidationError for a step half filled in."""
        steps, errors = [], []
        data = self.cleaned_data
        for number in range(1, MAX_STEPS + 1) if self.with_ladder else ():
            at, audience = data.get(f"step{number}_at"), data.get(f"step{number}_audience")
            if not at and not audience:
                continue
            if not at or not audience:
                errors.append(
                    gettext("Step %(number)s: give both a time and who it opens to.")
                    % {"number": number}
                )
                continue
            steps.append(
                StepDraft(at=at, audience=audience, min_tier=data.get(f"step{number}_min_tier"))
            )
        if errors:
            raise ValidationError({"ladder": errors})
        return steps

    def clean_audience(self) -> str:
        """The chosen audience; its tier and circle go to `min_tier` and `circle`."""
        choice = self.audience_choices[self.cleaned_data["audience"]]
        self.cleaned_data["min_tier"], self.cleaned_data["circle"] = choice.min_tier, choice.circle
        return choice.audience

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            images = [*self.staying_images(), *data.get("images", [])]
            validate_content(data.get("body", ""), images)
            validate_audience(
                self.author,
                self.community,
                data.get("audience", ""),
                min_tier=data.get("min_tier"),
                circle=data.get("circle"),
            )
            data["steps"] = self.ladder_steps()
            validate_ladder(
                self.author,
                self.community,
                audience=data.get("audience", ""),
                min_tier=data.get("min_tier"),
                steps=data["steps"],
            )
        except ValidationError as error:
            self.add_validation_error(error)
        return data

    def removable_images(self) -> list[tuple[int, PostImage, bool]]:
        """(number, image, ticked for removal) for the edit form's image list."""
        ticked = {str(value) for value in (self["remove_images"].value() or ())}
        return [
            (number, image, str(image.pk) in ticked)
            for number, image in enumerate(self.kept_images, start=1)
        ]

    def staying_images(self) -> list[PostImage]:
        """When editing, the post's images the author did not tick for removal."""
        removed = set(self.cleaned_data.get("remove_images") or ())
        return [image for image in self.kept_images if image.pk not in removed]

    def add_validation_error(self, error: ValidationError) -> None:
        """Put the services' errors on the fields they are about; a tier's or a circle's
        belong to the one audience control."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                if name in ("min_tier", "circle"):
                    name = "audience"
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error)


class AudienceChoiceForm(PostForm):
    """The composer's audience fields alone, for the live "who will see this" line."""

    def clean(self):
        return forms.Form.clean(self)


class CommentForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Write a comment…")}),
        max_length=MAX_COMMENT,
        label=_("Comment"),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CircleForm(forms.Form):
    name = forms.CharField(max_length=60, label=_("New circle"))


class CircleMemberForm(forms.Form):
    handle = forms.CharField(max_length=31, label=_("Add someone by @handle"))


class RemovalForm(forms.Form):
    """Why a moderator removes a post or comment; its author reads this. The moderation
    service requires it, with the same message as the queue."""

    reason = forms.CharField(
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The author reads this."),
    )
