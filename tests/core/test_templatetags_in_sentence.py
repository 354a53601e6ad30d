"""The ``in_sentence`` filter: a label inside a sentence keeps its abbreviations."""

import pytest
from django.template import Context, Template

from apps.web.templatetags.lac import in_sentence


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Paediatrician", "paediatrician"),
        ("LAC nurse", "LAC nurse"),
        ("LA request sent after its deadline", "LA request sent after its deadline"),
        ("Health", "health"),
        ("Local authority", "local authority"),
        ("A", "a"),
        ("", ""),
        (None, ""),
    ],
)
def test_in_sentence(label, expected):
    assert in_sentence(label) == expected


def test_the_held_row_reads_by_a_lac_nurse_with_its_capitals():
    rendered = Template("{% load lac %}by a {{ role|in_sentence }}").render(
        Context({"role": "LAC nurse"})
    )
    assert rendered == "by a LAC nurse"
