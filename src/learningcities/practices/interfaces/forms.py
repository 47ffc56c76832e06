"""Forms of practices: the city's practice form and the moderation form."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from learningcities.common.forms import IdsChoiceField
from learningcities.frameworks.models import Area, Criterion, Framework
from learningcities.network.models import City

from ..enums import SDG_GOALS, TargetGroup
from ..models import Cluster, Practice

# The framework whose areas and features a practice written directly is tagged with.
KEY_FEATURES = "key-features"
MAX_INDICATORS = 20
# The earliest year a practice can have started in (the form's lower bound).
FIRST_YEAR = 1900


def default_framework() -> Framework | None:
    """Return the newest Key Features framework loaded, if any."""
    return Framework.objects.filter(code=KEY_FEATURES).order_by("-loaded_at", "-pk").first()


class _TitleChoice(IdsChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} {obj.title}"


class _ClusterChoice(IdsChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj.name)


def parse_indicators(text: str) -> list[dict]:
    """Read the lines ``name | value | unit | year``; a ValidationError names a bad line."""
    rows = []
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_INDICATORS:
        raise forms.ValidationError(_("At most %(count)s indicators.") % {"count": MAX_INDICATORS})
    for number, line in enumerate(lines, start=1):
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 2 or not parts[0]:
            raise forms.ValidationError(
                _("Line %(line)s: write “name | value”, then optionally “| unit | year”.")
                % {"line": number}
            )
        try:
            value = Decimal(parts[1].replace(",", "").replace(" ", ""))
            if not value.is_finite():
                raise InvalidOperation
            # Rounded as it is kept (two decimals), then held to the column's 16 digits.
            value = value.quantize(Decimal("0.01"))
            if abs(value) >= Decimal(10) ** 14:
                raise InvalidOperation
        except InvalidOperation:
            raise forms.ValidationError(
                _("Line %(line)s: “%(value)s” is not a number.")
                % {"line": number, "value": parts[1]}
            ) from None
        year = parts[3] if len(parts) > 3 else ""
        if year and not (year.isascii() and year.isdigit() and 1900 <= int(year) <= 2100):
            raise forms.ValidationError(
                _("Line %(line)s: “%(year)s” is not a year.") % {"line": number, "year": year}
            )
        rows.append(
            {
                "name": parts[0][:200],
                "value": value.quantize(Decimal("0.01")),
                "unit": (parts[2] if len(parts) > 2 else "")[:60],
                "year": int(year) if year else None,
            }
        )
    return rows


def indicators_text(practice: Practice) -> str:
    """Return the indicators of ``practice`` as the form's lines."""
    lines = []
    for indicator in practice.indicators.all():
        value = indicator.value.normalize()
        parts = [indicator.name, f"{value:f}", indicator.unit, str(indicator.year or "")]
        lines.append(" | ".join(parts).rstrip(" |"))
    return "\n".join(lines)


class PracticeForm(forms.ModelForm):
    """What a city writes about a practice; tags come from the framework and the goals."""

    areas = _TitleChoice(
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Key Features areas"),
    )
    features = _TitleChoice(
        queryset=Criterion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Key Features"),
    )
    sdgs = forms.TypedMultipleChoiceField(
        choices=(),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Sustainable Development Goals"),
    )
    target_groups = forms.MultipleChoiceField(
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Target groups"),
    )
    clusters = _ClusterChoice(
        queryset=Cluster.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Thematic clusters"),
    )
    partner_cities = IdsChoiceField(
        queryset=City.objects.none(),
        required=False,
        label=gettext_lazy("Partner cities"),
        help_text=gettext_lazy("Other member cities that run the practice with yours."),
    )
    indicators = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=gettext_lazy("Results as figures"),
        help_text=gettext_lazy(
            "One per line: name | value | unit | year, such as “Adults in courses | 1200 | "
            "people | 2024”."
        ),
    )

    class Meta:
        model = Practice
        fields = [
            "title",
            "summary",
            "body",
            "results",
            "language",
            "started_year",
            "ended_year",
            "partner_cities",
            "areas",
            "features",
            "sdgs",
            "target_groups",
            "clusters",
            "contact_name",
            "contact_email",
            "licence",
            "publication_consent",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 12}),
            "results": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "summary": gettext_lazy("Two or three sentences: what the city does, for whom, why."),
            "body": gettext_lazy(
                "How it works, who takes part, what it costs. Markdown: **bold**, lists, links."
            ),
            "results": gettext_lazy("What changed, with evidence. Markdown."),
            "publication_consent": gettext_lazy(
                "The city agrees that the practice is published in the library under the "
                "licence chosen, and holds the rights to its texts."
            ),
        }

    def __init__(self, *args, city: City, framework: Framework | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework
        if framework is not None:
            self.fields["areas"].queryset = Area.objects.filter(
                section__framework=framework
            ).order_by("section__order", "order")
            self.fields["features"].queryset = Criterion.objects.filter(
                framework=framework
            ).order_by("area__section__order", "area__order", "order")
        else:
            del self.fields["areas"], self.fields["features"]
        self.fields["sdgs"].choices = [
            (number, f"{number}. {name}") for number, name in SDG_GOALS.items()
        ]
        self.fields["partner_cities"].queryset = (
            City.objects.filter(is_synthetic=False, organisation__isnull=False)
            .exclude(pk=city.pk)
            .order_by("name")
        )
        latest = timezone.localdate().year + 10
        for name in ("started_year", "ended_year"):
            field = self.fields[name]
            field.min_value, field.max_value = FIRST_YEAR, latest
            field.validators += [MinValueValidator(FIRST_YEAR), MaxValueValidator(latest)]
            field.widget.attrs.update({"min": FIRST_YEAR, "max": latest})
        if self.instance.pk:
            self.initial.setdefault("indicators", indicators_text(self.instance))

    def clean_indicators(self) -> list[dict]:
        return parse_indicators(self.cleaned_data.get("indicators", ""))

    def clean(self):
        cleaned = super().clean()
        started, ended = cleaned.get("started_year"), cleaned.get("ended_year")
        if started and ended and ended < started:
            self.add_error("ended_year", _("The practice cannot end before it started."))
        return cleaned

    def practice_data(self) -> dict:
        """Return what the domain functions take (``create_practice``, ``update_practice``)."""
        data = dict(self.cleaned_data)
        data["framework"] = self.framework
        data.setdefault("areas", [])
        data.setdefault("features", [])
        return data


class MoveForm(forms.Form):
    """A moderation step: the state to move to and the comment the city reads."""

    to_state = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=gettext_lazy("Comment for the city"),
        help_text=gettext_lazy(
            "Required when returning or unpublishing: say what to change or why."
        ),
    )
