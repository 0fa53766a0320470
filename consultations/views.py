from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Consultation


@require_GET
def consultation_list(request: HttpRequest) -> HttpResponse:
    consultations = Consultation.objects.select_related("organisation")
    return render(request, "consultations/list.html", {"consultations": consultations})


@require_GET
def consultation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_object_or_404(Consultation.objects.select_related("organisation"), slug=slug)
    return render(request, "consultations/detail.html", {"consultation": consultation})
