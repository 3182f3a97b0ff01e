"""Console pages that belong to no one model: what needs the person's attention."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils import timezone

from spectra.attention import attention_for


def attention_view(request):
    """The person's own list of what waits for them (admin_view makes it staff-only)."""
    now = timezone.now()
    context = {
        **admin.site.each_context(request),
        "title": "Needs your attention",
        "attention": attention_for(user=request.user, now=now),
        "now": now,
    }
    return TemplateResponse(request, "admin/spectra/attention.html", context)
