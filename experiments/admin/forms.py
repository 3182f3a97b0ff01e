"""The plan form: what an analyst decides before an experiment starts."""

from django import forms

from campaigns.models import AdAccount, Campaign
from experiments.models import ExperimentKind, ExperimentMetric


class PlanForm(forms.Form):
    account = forms.ModelChoiceField(queryset=AdAccount.objects.none())
    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"size": 60}))
    hypothesis = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        required=False,
        help_text="What you expect, e.g. 'Spectra's budget moves lift conversion value by 8 %'.",
    )
    kind = forms.ChoiceField(
        choices=[
            (ExperimentKind.HOLDOUT, "Holdout of Spectra's changes (switchback if few campaigns)"),
            (ExperimentKind.PLATFORM, ExperimentKind.PLATFORM.label),
        ],
        initial=ExperimentKind.HOLDOUT,
    )
    metric = forms.ChoiceField(
        choices=ExperimentMetric.choices, initial=ExperimentMetric.CONVERSION_VALUE
    )
    planned_days = forms.IntegerField(min_value=7, max_value=180, initial=28)
    planned_looks = forms.IntegerField(
        min_value=1, max_value=20, initial=4, help_text="How often you plan to look."
    )
    alpha = forms.DecimalField(min_value=0.001, max_value=0.2, initial="0.05", decimal_places=3)
    power = forms.DecimalField(min_value=0.5, max_value=0.99, initial="0.80", decimal_places=3)
    campaigns = forms.ModelMultipleChoiceField(
        queryset=Campaign.objects.none(),
        required=False,
        help_text="Leave empty to include every running, unpinned campaign of the account.",
    )

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.fields["campaigns"].queryset = Campaign.objects.filter(account__in=accounts)

    def clean(self):
        data = super().clean()
        account, campaigns = data.get("account"), data.get("campaigns") or []
        if account and any(c.account_id != account.pk for c in campaigns):
            self.add_error("campaigns", "Choose campaigns of the selected account only.")
        return data
