"""GovukForm: GOV.UK Design System patterns and error wording by construction (issue 16)."""

import re
from datetime import date

from django import forms
from django.template import Context, Template

from apps.core.forms import DateInput, GovukForm


class ExampleForm(GovukForm):
    date_of_birth = forms.DateField(widget=DateInput())
    sex = forms.ChoiceField(choices=[("", "Choose"), ("1", "Male"), ("2", "Female")])
    is_mother = forms.TypedChoiceField(
        label="Is she a mother?",
        choices=[("", "Not known yet"), ("1", "Yes"), ("0", "No")],
        required=False,
    )
    ethnicity = forms.ChoiceField(choices=[(str(n), f"Group {n}") for n in range(8)])
    total_score = forms.IntegerField(label="Total score", min_value=0, max_value=40)
    nhs_number = forms.CharField(
        label="NHS number", max_length=14, required=False, help_text="10 digits"
    )


def _render(form) -> str:
    return Template(
        '{% include "govuk/error_summary.html" %}'
        '{% for field in form %}{% include "govuk/field.html" %}{% endfor %}'
    ).render(Context({"form": form}))


VALID = {"sex": "1", "ethnicity": "3", "total_score": "12"}


def test_a_date_is_three_fields_and_cleans_to_a_date():
    form = ExampleForm(
        data={**VALID, "date_of_birth_0": "5", "date_of_birth_1": "4", "date_of_birth_2": "2016"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == date(2016, 4, 5)


def test_a_single_iso_date_is_still_accepted():
    form = ExampleForm(data={**VALID, "date_of_birth": "2016-04-05"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == date(2016, 4, 5)


def test_a_date_renders_in_a_fieldset_with_a_legend_and_day_month_year_labels():
    html = _render(ExampleForm())
    fieldset = re.search(r"<fieldset.*?</fieldset>", html, re.S).group(0)
    assert "<legend" in fieldset and "Date of birth" in fieldset
    for part in ("Day", "Month", "Year"):
        assert f">{part}</label>" in fieldset
    assert 'type="date"' not in html
    assert 'inputmode="numeric"' in fieldset


def test_a_missing_part_of_a_date_is_named():
    form = ExampleForm(data={**VALID, "date_of_birth_0": "5", "date_of_birth_2": "2016"})
    assert form.errors["date_of_birth"] == ["Date of birth must include a month"]


def test_an_impossible_date_must_be_a_real_date():
    form = ExampleForm(
        data={**VALID, "date_of_birth_0": "31", "date_of_birth_1": "2", "date_of_birth_2": "2025"}
    )
    assert form.errors["date_of_birth"] == ["Date of birth must be a real date"]


def test_empty_required_fields_get_govuk_wording_one_message_each():
    form = ExampleForm(data={})
    assert form.errors["date_of_birth"] == ["Enter date of birth"]
    assert form.errors["sex"] == ["Select sex"]
    assert form.errors["total_score"] == ["Enter total score"]
    assert all(len(messages) == 1 for messages in form.errors.values())


def test_a_number_over_its_limit_says_the_limit():
    form = ExampleForm(data={**VALID, "date_of_birth": "2016-04-05", "total_score": "41"})
    assert form.errors["total_score"] == ["Total score must be 40 or less"]
    form = ExampleForm(data={**VALID, "date_of_birth": "2016-04-05", "total_score": "ten"})
    assert form.errors["total_score"] == ["Total score must be a number"]


def test_whole_numbers_are_text_with_a_numeric_keyboard():
    html = _render(ExampleForm())
    score = re.search(r'<input[^>]*name="total_score"[^>]*>', html).group(0)
    assert 'type="text"' in score and 'inputmode="numeric"' in score
    assert 'type="number"' not in html


def test_a_few_choices_are_radios_without_the_choose_option_but_keep_not_known():
    form = ExampleForm()
    assert isinstance(form.fields["sex"].widget, forms.RadioSelect)
    assert [value for value, _ in form.fields["sex"].choices] == ["1", "2"]
    assert [value for value, _ in form.fields["is_mother"].choices] == ["", "1", "0"]
    # Eight options stay a select.
    assert type(form.fields["ethnicity"].widget) is forms.Select
    html = _render(form)
    radios = re.search(r"<fieldset[^>]*>\s*<legend[^>]*>\s*Sex.*?</fieldset>", html, re.S)
    assert radios and 'type="radio"' in radios.group(0)


def test_every_aria_describedby_points_at_an_element_that_exists():
    html = _render(ExampleForm(data={"nhs_number": "x" * 20}))
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    described = re.findall(r'aria-describedby="([^"]*)"', html)
    assert described
    for value in described:
        for target in value.split():
            assert target in ids, target


def test_the_error_summary_links_each_error_to_its_first_input():
    html = _render(ExampleForm(data={}))
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', html)
    assert ("id_date_of_birth", "Enter date of birth") in links
    assert ("id_sex", "Select sex") in links
    assert re.search(r'<input[^>]*name="date_of_birth_0"[^>]*id="id_date_of_birth"', html)
    assert re.search(r'<input[^>]*type="radio"[^>]*id="id_sex"', html, re.S)
    for target, _ in links:
        assert target in ids


def test_no_field_is_labelled_optional_by_the_template():
    assert "(optional)" not in _render(ExampleForm())


def test_a_blank_prompt_with_no_label_is_not_a_radio():
    class KindForm(GovukForm):
        kind = forms.ChoiceField(choices=[("", ""), ("IHA", "Initial"), ("RHA", "Review")])

    assert [value for value, _ in KindForm().fields["kind"].choices] == ["IHA", "RHA"]
