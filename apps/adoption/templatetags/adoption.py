"""The child page's link to the child's adoption case (issue 16). A tag, not an import from
the children app: adoption sits above children in the app layers, and adoption records are
shown only to the roles the adoption access rule lets see them (apps/adoption/selectors.py:
the child's team, medical advisers, and the read-only reporting roles), not to everyone who
sees the child."""

from django import template

from apps.adoption.models import AdoptionCase
from apps.adoption.selectors import adoption_children_visible_to

register = template.Library()


@register.inclusion_tag("adoption/_child_link.html", takes_context=True)
def adoption_case_link(context, child):
    request = context.get("request")
    user = getattr(request, "user", None)
    case = (
        AdoptionCase.objects.filter(child=child).first()
        if adoption_children_visible_to(user).filter(pk=child.pk).exists()
        else None
    )
    return {"child": child, "case": case}
