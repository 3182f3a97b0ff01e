from django.urls import include, path
from rest_framework.routers import DefaultRouter

from api import launches, views
from api.experiments import ExperimentViewSet

router = DefaultRouter()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("accounts", views.AccountViewSet, basename="account")
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("ad-groups", views.AdGroupViewSet, basename="adgroup")
router.register("audiences", views.AudienceViewSet, basename="audience")
router.register("metrics", views.DailyMetricViewSet, basename="dailymetric")
router.register("optimization-runs", views.OptimizationRunViewSet, basename="optimizationrun")
router.register("recommendations", views.RecommendationViewSet, basename="recommendation")
router.register("change-sets", views.ChangeSetViewSet, basename="changeset")
router.register("executions", views.ExecutionViewSet, basename="execution")
router.register("alerts", views.AlertViewSet, basename="alert")
router.register("policies", views.PolicyViewSet, basename="policy")
router.register("experiments", ExperimentViewSet, basename="experiment")
router.register("briefs", launches.BriefViewSet, basename="brief")
router.register("assets", launches.AssetViewSet, basename="asset")

app_name = "api"
urlpatterns = [
    path("execution-switch/", views.ExecutionSwitchView.as_view(), name="execution-switch"),
    path("", include(router.urls)),
]
