"""The LA's readiness for the SSDA903 return: how many children the DfE's rules would flag,
by rule, and the children with what each is missing (apps.interop.readiness)."""

from collections import Counter

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.accounts.models import Organisation
from apps.children.selectors import children_visible_to
from apps.interop.selectors import CollectionYear, current_collection_year, readiness_of
from apps.performance.views import reporting_page


@require_GET
@reporting_page
def ssda903_readiness_page(request: HttpRequest, authorities: list[Organisation]) -> HttpResponse:
    by_code = {la.code: la for la in authorities}
    la = by_code.get(request.GET.get("la", ""), authorities[0])
    try:
        year = (
            CollectionYear.parse(request.GET["year"])
            if request.GET.get("year")
            else current_collection_year()
        )
    except ValueError:
        year = current_collection_year()
    rule = request.GET.get("rule", "")
    children = children_visible_to(request.user).filter(responsible_la=la)
    found = readiness_of(children, year)
    not_ready = {child_id: problems for child_id, problems in found.items() if problems}
    by_rule = Counter(
        code for problems in not_ready.values() for code in {r for p in problems for r in p.rules}
    )
    listed = {
        child_id: problems
        for child_id, problems in not_ready.items()
        if not rule or any(rule in p.rules for p in problems)
    }
    names = {c.pk: c for c in children.filter(pk__in=listed).order_by("la_child_id")}
    rows = [{"child": names[pk], "problems": listed[pk]} for pk in names]
    return render(
        request,
        "performance/ssda903_readiness.html",
        {
            "la": la,
            "authorities": authorities,
            "year": year,
            "in_return": len(found),
            "not_ready": len(not_ready),
            "by_rule": sorted(by_rule.items(), key=lambda item: (-item[1], item[0])),
            "rule": rule,
            "rows": rows,
        },
    )
