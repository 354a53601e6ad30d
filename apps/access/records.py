"""Which record a page is about, declared by the view itself (issue 12, one access module).

``@about(Model)`` marks a page view (``access_record_model`` an API view) with the model its
``pk`` (or ``child_id``) names; the access log (``apps.audit.records``) follows that model's
foreign keys to the child. The declaration lives here, in the access layer every app may
import, so the apps' views need not import the audit app that sits above them."""

from django.db import models
from django.urls import ResolverMatch


def about(model: type[models.Model]):
    """Declare the model whose id the page view's ``pk`` (or ``child_id``) is."""

    def mark(view):
        view.access_record_model = model
        return view

    return mark


def record_model_of(match: ResolverMatch) -> type[models.Model] | None:
    func = match.func
    model = getattr(func, "access_record_model", None)
    view_class = getattr(func, "cls", None) or getattr(func, "view_class", None)
    if model is None and view_class is not None:
        model = getattr(view_class, "access_record_model", None)
    return model
