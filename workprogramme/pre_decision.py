"""Pre-decision scrutiny in the work programme app (issue 17, item 5): the officer page that
puts a forward plan entry on a scrutiny committee's work programme, and the panels the
decisions pages render through ``decisions.extensions`` (registered in
``workprogramme.apps``): on an entry, the committees looking at it; on a decision, the
committee's recommendations to the decision maker and the responses to them."""

from __future__ import annotations

from django import forms

from decisions.models import ForwardPlanEntry
from scrutiny.forms import BaseForm
from scrutiny.models import Committee
from scrutiny.permissions import is_officer
from workprogramme import services
from workprogramme.models import ReviewRecommendation, ScrutinyReview, WorkProgramme
from workprogramme.officer_views import OfficerFormPage

SCRUTINY_KINDS = (
    Committee.Kind.SCRUTINY_COMMITTEE,
    Committee.Kind.SCRUTINY_PANEL,
    Committee.Kind.AD_HOC_PANEL,
)


class PreDecisionForm(BaseForm):
    programme = forms.ModelChoiceField(
        label="Work programme",
        queryset=WorkProgramme.objects.none(),
        help_text="The entry is added as an issue, to be scheduled on an agenda from the "
        "programme. The committee's recommendations to the decision maker are recorded on "
        "the pre-decision review this opens.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = (
            WorkProgramme.objects.filter(committee__kind__in=SCRUTINY_KINDS)
            .select_related("committee", "year")
            .order_by("-year__start_date", "committee__name")
        )


class PutEntryOnProgramme(OfficerFormPage):
    form_class = PreDecisionForm
    model = ForwardPlanEntry
    manager = "objects"  # published entries only: a draft is not on the plan (404)
    pk_url_kwarg = "entry_pk"

    def title(self):
        return f"Pre-decision scrutiny: {self.obj.matter}"

    def back(self):
        return self.obj.get_absolute_url()

    def save(self, data):
        return services.put_entry_on_programme(
            entry=self.obj, programme=data["programme"], by=self.request.user
        )

    def done(self, saved):
        return (
            f"The entry is item {saved.number} of {saved.programme}: schedule it on an agenda.",
            saved.get_absolute_url(),
        )


def entry_panel(request, entry):
    """On a forward plan entry: the work programme items and reviews that scrutinise it."""
    if not entry.is_public:
        return None
    items = list(entry.work_programme_items.select_related("programme__committee"))
    reviews = list(entry.pre_decision_reviews.select_related("panel"))
    officer = is_officer(getattr(request, "user", None))
    if not items and not reviews and not officer:
        return None
    return "workprogramme/pre_decision/entry_panel.html", {
        "entry": entry,
        "pre_items": items,
        "pre_reviews": reviews,
        "officer": officer,
    }


def decision_panel(request, decision):
    """On a decision: the scrutiny recommendations made to the decision maker before it
    (pre-decision scrutiny of its forward plan entry) and the executive's responses."""
    if not decision.is_listed or decision.forward_plan_entry_id is None:
        return None
    reviews = list(
        ScrutinyReview.objects.filter(forward_plan_entry_id=decision.forward_plan_entry_id)
        .select_related("panel")
        .order_by("pk")
    )
    if not reviews:
        return None
    recommendations = list(
        ReviewRecommendation.objects.filter(review__in=reviews)
        .select_related("review", "response")
        .order_by("review", "number")
    )
    return "workprogramme/pre_decision/decision_panel.html", {
        "pre_reviews": reviews,
        "pre_recommendations": recommendations,
    }
