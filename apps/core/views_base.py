"""The one shape of every form page: validate, call a service, show errors on the form."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from apps.core.exceptions import StaleEdit


def form_page(
    request: HttpRequest,
    *,
    form_class,
    title: str,
    run: Callable[[dict], object],
    success_url: Callable[[object], str] | str,
    success_message: str,
    back_url: str = "",
    caption: str = "",
    intro: str = "",
    submit_label: str = "Save",
    initial: dict | None = None,
    form_kwargs: dict | None = None,
    template: str = "govuk/form_page.html",
    extra: dict | None = None,
) -> HttpResponse:
    form = form_class(request.POST or None, initial=initial or {}, **(form_kwargs or {}))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = run(form.cleaned_data)
            except ValidationError as error:
                form.add_service_error(error)
            except StaleEdit as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, success_message)
                return redirect(success_url(result) if callable(success_url) else success_url)
        status = 400
    context = {
        "form": form,
        "title": title,
        "caption": caption,
        "intro": intro,
        "back_url": back_url,
        "submit_label": submit_label,
        **(extra or {}),
    }
    return render(request, template, context, status=status)
