"""Forms of outcome documents: the secretariat's (write, file, share, adopt) and the cities'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from learningcities.common.languages import language_choices

from ..models import Event, OutcomeComment, OutcomeDocument

_FIELD = OutcomeDocument._meta.get_field


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.title} ({obj.starts_on:%Y})"


class OutcomeForm(forms.Form):
    """An outcome document's texts in its original language; ``event`` for a new one only."""

    event = EventChoiceField(
        label=_("Event"), queryset=Event.objects.order_by("-starts_on", "pk"), to_field_name="slug"
    )
    title = forms.CharField(label=_("Title"), max_length=_FIELD("title").max_length)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A few sentences on what the document says; translated like other content."),
    )
    language = forms.ChoiceField(
        label=_("Original language"), choices=language_choices, initial="en"
    )
    source = forms.URLField(
        label=_("Published at"),
        max_length=_FIELD("source").max_length,
        required=False,
        assume_scheme="https",
        help_text=_("The address where the network publishes the document, if any."),
    )

    def __init__(self, *args, outcome: OutcomeDocument | None = None, **kwargs):
        if outcome is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": outcome.title,
                    "summary": outcome.summary,
                    "language": outcome.language,
                    "source": outcome.source,
                },
            )
        super().__init__(*args, **kwargs)
        if outcome is not None:
            del self.fields["event"]

    def texts(self) -> dict:
        """Return the cleaned texts, as ``create_outcome`` and ``update_outcome`` take them."""
        return {
            name: self.cleaned_data[name] for name in ("title", "summary", "language", "source")
        }


class OutcomeFileForm(forms.Form):
    """The text of an outcome document in one language."""

    file_language = forms.ChoiceField(label=_("Language of the file"), choices=language_choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "PDF or office document. Replaces the file in that language, if any. "
            "Anyone may download it once the document is adopted."
        ),
    )


class ShareForm(forms.Form):
    """The last day member cities may comment on a draft."""

    comments_until = forms.DateField(
        label=_("Comments until"),
        widget=DateInput(),
        help_text=_("Member cities comment until the end of this day, in the event's time zone."),
    )


class AdoptForm(forms.Form):
    """The day the event adopted the document."""

    adopted_on = forms.DateField(label=_("Adopted on"), widget=DateInput())


class CityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class CityForm(forms.Form):
    """The member city on whose behalf a coordinator endorses or withdraws."""

    city = CityChoiceField(label=_("City"), queryset=None, widget=forms.HiddenInput)

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = cities


class CommentForm(forms.Form):
    """A member city's comment on a draft shared for comment."""

    city = CityChoiceField(label=_("On behalf of"), queryset=None, empty_label=None)
    text = forms.CharField(
        label=_("Comment"),
        max_length=OutcomeComment._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Only the secretariat reads the comments."),
    )

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = cities
