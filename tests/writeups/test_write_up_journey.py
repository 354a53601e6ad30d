"""Issue 14: the write-up, sign-off, report, reading and plan actions through the services,
pages and API, with who may do what."""

from datetime import date
from io import BytesIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from apps.assessments import services as assessment_services
from apps.assessments.models import Assessment, SdqRecord
from apps.children import services as children_services
from apps.writeups import selectors, services
from apps.writeups.models import PlanAction, Report, WriteUp
from apps.writeups.rules.sections import sections_for
from tests.factories import ChildFactory
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db

TODAY = date(2026, 2, 2)
ENTRY = date(2025, 12, 19)
HELD = date(2026, 1, 14)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def iha(cast):
    child = ChildFactory(
        responsible_la=cast.our_la, team=cast.team_a, date_of_birth=date(2012, 5, 1), sex="2"
    )
    period = children_services.period_of_care_start(
        child=child, start_date=ENTRY, legal_status="C2", started_by=cast.social_worker
    )
    assessment = Assessment.objects.get(period_of_care=period, kind="IHA")
    assessment_services.assessment_request(
        assessment=assessment,
        sent_on=date(2025, 12, 22),
        provider=cast.provider_a,
        requested_by=cast.social_worker,
        consent_obtained_on=date(2025, 12, 22),
        request_complete_on=date(2025, 12, 22),
    )
    assessment.refresh_from_db()
    # Issue 14: health admin records the attendance, which is the held date.
    appointment = assessment_services.appointment_book(
        assessment=assessment,
        appointment_date=HELD,
        booked_on=date(2026, 1, 5),
        booked_by=cast.health_admin_a,
    )
    assessment_services.appointment_record_outcome(
        appointment=appointment,
        outcome="ATTENDED",
        recorded_by=cast.health_admin_a,
        recorded_on=HELD,
    )
    assessment.refresh_from_db()
    assert assessment.held_on == HELD
    return assessment


def _complete_everything(cast, assessment):
    for section in sections_for(13):
        data = {"state": "not_assessed", "reason": "Seen elsewhere this month"}
        if section.key == "growth":
            data = {
                "state": "completed",
                "measured_on": HELD,
                "height_cm": "155",
                "weight_kg": "45",
            }
        if section.key == "summary":
            data = {"state": "completed", "findings": "Well. Plan agreed with carer."}
        services.write_up_save_section(
            assessment=assessment, section=section.key, data=data, saved_by=cast.nurse_a
        )


def _sign(cast, assessment):
    return services.write_up_sign_off(
        assessment=assessment,
        signed_by=cast.nurse_a,
        name="Dr A Paediatrician",
        role="PAEDIATRICIAN",
        registration="GMC 1234567",
    )


def test_a_draft_is_kept_between_sittings_and_growth_centiles_are_computed(cast, iha):
    services.write_up_save_section(
        assessment=iha,
        section="growth",
        data={"measured_on": HELD, "height_cm": "155.0", "weight_kg": "45"},
        saved_by=cast.nurse_a,
    )
    # A second sitting: another section; the first is still there.
    write_up = services.write_up_save_section(
        assessment=iha,
        section="vision",
        data={"state": "completed", "outcome": "no_concerns"},
        saved_by=cast.nurse_a,
    )
    write_up.refresh_from_db()
    assert write_up.sections["growth"]["height_cm"] == "155.0"
    assert write_up.sections["vision"]["outcome"] == "no_concerns"
    methods = {p["method"]: p for p in write_up.computed["growth"]}
    assert set(methods) == {"height", "weight", "bmi"}
    assert 0 < methods["height"]["centile"] < 100


def test_the_latest_sdq_before_the_assessment_is_pulled_in(cast, iha):
    SdqRecord.objects.create(
        child=iha.child, completed_on=date(2025, 6, 1), total_score=10, informant="CARER"
    )
    SdqRecord.objects.create(
        child=iha.child, completed_on=date(2026, 1, 5), total_score=18, informant="CARER"
    )
    write_up = services.write_up_save_section(
        assessment=iha,
        section="emotional",
        data={"findings": "Anxious at night"},
        saved_by=cast.nurse_a,
    )
    assert write_up.computed["sdq"]["total"] == 18
    assert write_up.computed["sdq"]["band"] == "cause for concern"


def test_sign_off_names_the_sections_still_open(cast, iha):
    services.write_up_save_section(
        assessment=iha,
        section="vision",
        data={"state": "completed", "outcome": "no_concerns"},
        saved_by=cast.nurse_a,
    )
    with pytest.raises(ValidationError) as error:
        _sign(cast, iha)
    messages = error.value.message_dict
    assert "hearing.state" in messages and "vision.state" not in messages
    assert messages["hearing.state"] == [
        "Hearing: complete the section or say why it was not assessed"
    ]


def test_an_iha_is_signed_off_by_a_medical_practitioner(cast, iha):
    _complete_everything(cast, iha)
    with pytest.raises(ValidationError) as error:
        services.write_up_sign_off(
            assessment=iha, signed_by=cast.nurse_a, name="N", role="LAC_NURSE", registration="NMC 1"
        )
    assert "role" in error.value.message_dict


def test_after_sign_off_the_write_up_is_read_only_and_corrections_are_addenda(cast, iha):
    _complete_everything(cast, iha)
    write_up = _sign(cast, iha)
    assert write_up.is_signed_off
    with pytest.raises(ValidationError):
        services.write_up_save_section(
            assessment=iha,
            section="summary",
            data={"state": "completed", "findings": "x"},
            saved_by=cast.nurse_a,
        )
    addendum = services.addendum_add(
        assessment=iha, text="Weight was 45.5 kg", section="growth", author=cast.nurse_a
    )
    assert addendum.author == cast.nurse_a and addendum.created_at is not None
    write_up.refresh_from_db()
    assert write_up.sections["growth"]["weight_kg"] == "45"  # the signed text is unchanged
    report = Report.objects.get(assessment=iha)
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(BytesIO(bytes(report.pdf))).pages).split()
    )
    assert "Addenda after sign-off" in text and "Weight was 45.5 kg" in text


def test_sign_off_makes_a_tagged_pdf_with_a_real_creation_date(cast, iha):
    _complete_everything(cast, iha)
    _sign(cast, iha)
    report = Report.objects.get(assessment=iha)
    reader = PdfReader(BytesIO(bytes(report.pdf)))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]  # tagged
    assert root["/Lang"] == "en-GB"
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()  # PDF/UA-1
    assert reader.metadata["/CreationDate"].startswith("D:2026020")  # not 2000
    assert reader.metadata["/Title"].startswith("Initial health assessment report")
    text = "".join(page.extract_text() for page in reader.pages)
    assert iha.child.last_name in text and "GMC 1234567" in text
    assert "Not assessed, because Seen elsewhere this month" in text


def test_returning_the_report_goes_through_the_assessment_service(cast, iha):
    _complete_everything(cast, iha)
    _sign(cast, iha)
    report = Report.objects.get(assessment=iha)
    with pytest.raises(PermissionDenied):
        services.report_return(report=report, returned_by=cast.social_worker)
    services.report_return(report=report, returned_by=cast.health_admin_a)
    iha.refresh_from_db()
    assert iha.report_returned_on == TODAY
    with pytest.raises(ValidationError):
        services.report_return(report=report, returned_by=cast.nurse_a)


def test_a_report_cannot_be_returned_before_sign_off_or_read_before_return(cast, iha):
    _complete_everything(cast, iha)
    _sign(cast, iha)
    report = Report.objects.get(assessment=iha)
    with pytest.raises(ValidationError):
        services.report_acknowledge(report=report, reader=cast.social_worker)


def test_unread_reports_are_on_the_team_worklist_and_late_after_5_working_days(cast, iha):
    _complete_everything(cast, iha)
    _sign(cast, iha)
    report = services.report_return(
        report=Report.objects.get(assessment=iha), returned_by=cast.nurse_a
    )
    items = selectors.unread_reports_for(cast.social_worker, TODAY)
    assert [i.report for i in items] == [report] and not items[0].late
    assert [i.report for i in selectors.unread_reports_for(cast.manager, date(2026, 2, 10))][
        0
    ].pk == report.pk
    assert selectors.unread_reports_for(cast.manager, date(2026, 2, 10))[0].late
    assert selectors.unread_reports_for(cast.social_worker_team_b, TODAY) == []
    with pytest.raises(PermissionDenied):
        services.report_acknowledge(report=report, reader=cast.nurse_a)
    services.report_acknowledge(report=report, reader=cast.social_worker)
    assert selectors.unread_reports_for(cast.social_worker, TODAY) == []
    assert selectors.unread_reports_for(cast.manager, TODAY) == []


def test_an_action_owned_by_the_social_worker_is_on_their_list_until_done(cast, iha):
    action = services.plan_action_add(
        assessment=iha,
        need="Dental registration",
        action="Register with a dentist near the placement",
        owner_kind="SOCIAL_WORKER",
        owner_user=cast.social_worker,
        due_date=date(2026, 1, 30),
        created_by=cast.nurse_a,
    )
    assert list(selectors.open_actions_for(cast.social_worker)) == [action]
    assert selectors.child_overdue_action_count(iha.child, TODAY) == 1
    with pytest.raises(PermissionDenied):
        services.plan_action_close(
            action=action, status="DONE", closed_on=TODAY, closed_by=cast.social_worker_team_b
        )
    with pytest.raises(ValidationError) as error:
        services.plan_action_close(
            action=action, status="NOT_DONE", closed_on=TODAY, closed_by=cast.social_worker
        )
    assert "reason_not_done" in error.value.message_dict
    services.plan_action_close(
        action=action, status="DONE", closed_on=TODAY, closed_by=cast.social_worker
    )
    assert list(selectors.open_actions_for(cast.social_worker)) == []
    assert selectors.child_overdue_action_count(iha.child, TODAY) == 0


def test_an_action_owner_outside_the_child_is_refused(cast, iha):
    with pytest.raises(ValidationError) as error:
        services.plan_action_add(
            assessment=iha,
            need="n",
            action="a",
            owner_kind="SOCIAL_WORKER",
            owner_user=cast.social_worker_team_b,
            due_date=date(2026, 3, 1),
            created_by=cast.nurse_a,
        )
    assert "owner_user" in error.value.message_dict


def test_only_the_providers_clinician_writes_up(cast, iha):
    for user in (cast.nurse_b, cast.social_worker, cast.health_admin_a):
        with pytest.raises(PermissionDenied):
            services.write_up_save_section(assessment=iha, section="vision", data={}, saved_by=user)


def test_the_write_up_page_is_404_for_those_who_do_not_write_up(cast, iha):
    for user in (cast.social_worker, cast.nurse_b, cast.health_admin_a):
        assert signed_in_client(user).get(f"/assessments/{iha.pk}/write-up/").status_code == 404
    assert signed_in_client(cast.nurse_a).get(f"/assessments/{iha.pk}/write-up/").status_code == 200


def test_a_section_page_saves_a_draft_and_shows_errors_naming_the_field(cast, iha):
    client = signed_in_client(cast.nurse_a)
    response = client.post(
        f"/assessments/{iha.pk}/write-up/sections/growth/",
        {"measured_on": "2026-01-14", "weight_kg": "9000", "save": ""},
    )
    assert response.status_code == 400
    assert "Weight (kg) must be between 0.5 and 250" in response.content.decode()
    response = client.post(
        f"/assessments/{iha.pk}/write-up/sections/growth/",
        {"measured_on": "2026-01-14", "weight_kg": "45", "height_cm": "155", "save": ""},
    )
    assert response.status_code == 302
    assert WriteUp.objects.get(assessment=iha).sections["growth"]["weight_kg"] == "45"
    page = client.get(f"/assessments/{iha.pk}/write-up/").content.decode()
    assert "In progress" in page
    growth = client.get(f"/assessments/{iha.pk}/write-up/sections/growth/").content.decode()
    assert "id_height_cm" in growth and "id_head_circumference_cm" not in growth  # 13 years old


def test_the_child_page_lists_the_report_and_the_social_worker_marks_it_read(cast, iha):
    _complete_everything(cast, iha)
    _sign(cast, iha)
    report = Report.objects.get(assessment=iha)
    nurse = signed_in_client(cast.nurse_a)
    assert "Return the report" in nurse.get(f"/children/{iha.child_id}/").content.decode()
    nurse.post(f"/assessments/reports/{report.pk}/return/")
    sw = signed_in_client(cast.social_worker)
    page = sw.get(f"/children/{iha.child_id}/").content.decode()
    assert "Open the report (PDF)" in page and "Mark as read" in page
    pdf = sw.get(f"/assessments/reports/{report.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert (
        signed_in_client(cast.social_worker_team_b)
        .get(f"/assessments/reports/{report.pk}/report.pdf")
        .status_code
        == 404
    )
    sw.post(f"/assessments/reports/{report.pk}/read/")
    page = sw.get(f"/children/{iha.child_id}/").content.decode()
    assert "Mark as read" not in page
    assert "Initial health assessment report read" in page  # on the timeline


def test_the_api_saves_a_section_signs_off_and_acknowledges(cast, iha, api):
    nurse = api(cast.nurse_a)
    response = nurse.put(
        f"/api/v1/write-ups/{iha.pk}/sections/vision/",
        {"state": "completed", "values": {"outcome": "bad"}},
        format="json",
    )
    assert response.status_code == 400 and "outcome" in response.json()
    response = nurse.put(
        f"/api/v1/write-ups/{iha.pk}/sections/vision/",
        {"state": "completed", "values": {"outcome": "no_concerns"}},
        format="json",
    )
    assert (
        response.status_code == 200
        and response.json()["sections"]["vision"]["outcome"] == "no_concerns"
    )
    response = nurse.post(
        f"/api/v1/write-ups/{iha.pk}/sign-off/",
        {"name": "Dr A", "clinician_role": "PAEDIATRICIAN", "registration": "GMC 1"},
        format="json",
    )
    assert response.status_code == 400 and "hearing.state" in response.json()
    assert api(cast.social_worker).get(f"/api/v1/write-ups/{iha.pk}/").status_code == 404
    _complete_everything(cast, iha)
    response = nurse.post(
        f"/api/v1/write-ups/{iha.pk}/sign-off/",
        {"name": "Dr A", "clinician_role": "PAEDIATRICIAN", "registration": "GMC 1"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["signer_registration"] == "GMC 1"
    report = Report.objects.get(assessment=iha)
    assert nurse.post(f"/api/v1/reports/{report.pk}/return/").status_code == 200
    sw = api(cast.social_worker)
    assert sw.get(f"/api/v1/reports/{report.pk}/download/").content.startswith(b"%PDF-")
    response = sw.post(f"/api/v1/reports/{report.pk}/acknowledge/")
    assert response.status_code == 200 and response.json()["read_by"] == ["sw"]
    assert sw.post(f"/api/v1/reports/{report.pk}/acknowledge/").status_code == 400
    response = nurse.post(
        f"/api/v1/write-ups/{iha.pk}/actions/",
        {
            "need": "Teeth",
            "action": "See a dentist",
            "owner_kind": "CARER",
            "owner_name": "Mrs Foster",
            "due_date": "2026-03-01",
        },
        format="json",
    )
    assert response.status_code == 201
    action = PlanAction.objects.get(pk=response.json()["id"])
    response = sw.post(
        f"/api/v1/plan-actions/{action.pk}/close/",
        {"status": "DONE", "closed_on": "2026-02-02"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "DONE"


def test_sign_off_records_the_immunisation_status_on_the_childs_record(cast, iha):
    _complete_everything(cast, iha)
    services.write_up_save_section(
        assessment=iha,
        section="immunisations",
        data={"state": "completed", "source": "GP record"},
        saved_by=cast.nurse_a,
    )
    _sign(cast, iha)
    record = iha.child.immunisation_records.get(checked_on=HELD)
    # Nothing recorded as given at 13: the Green Book says treat as unimmunised.
    assert record.status == "UNKNOWN"
    assert WriteUp.objects.get(assessment=iha).computed["immunisations"]["catch_up_needed"]


def test_an_uploaded_report_must_be_a_pdf_within_the_size_limit(cast, iha):
    with pytest.raises(ValidationError) as error:
        services.report_upload(
            assessment=iha, content=b"GIF89a", filename="r.pdf", uploaded_by=cast.nurse_a
        )
    assert error.value.message_dict == {"file": ["The report must be a PDF."]}
    with pytest.raises(ValidationError) as error:
        services.report_upload(
            assessment=iha,
            content=b"%PDF-" + b"0" * services.MAX_UPLOAD_BYTES,
            filename="r.pdf",
            uploaded_by=cast.nurse_a,
        )
    assert "10 MB" in error.value.message_dict["file"][0]
    with pytest.raises(PermissionDenied):
        services.report_upload(
            assessment=iha, content=b"%PDF-1.7", filename="r.pdf", uploaded_by=cast.social_worker
        )
    report = services.report_upload(
        assessment=iha, content=b"%PDF-1.7 ok", filename="elsewhere.pdf", uploaded_by=cast.nurse_a
    )
    assert report.source == "UPLOADED"
    assert list(selectors.awaiting_write_up_for(cast.nurse_a)) == []
    services.report_return(report=report, returned_by=cast.health_admin_a)
    iha.refresh_from_db()
    assert iha.report_returned_on == TODAY


def test_the_upload_page_refuses_a_file_that_is_not_a_pdf(cast, iha):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = signed_in_client(cast.nurse_a).post(
        f"/assessments/{iha.pk}/report/upload/",
        {"file": SimpleUploadedFile("report.pdf", b"not a pdf", content_type="application/pdf")},
    )
    assert response.status_code == 400
    assert "The report must be a PDF." in response.content.decode()


def test_a_write_up_is_at_risk_after_5_working_days_and_overdue_actions_count(cast, iha):
    assert selectors.write_ups_at_risk_for(cast.nurse_a, date(2026, 1, 21)) == []
    assert selectors.write_ups_at_risk_for(cast.nurse_a, date(2026, 1, 22)) == [iha]
    services.plan_action_add(
        assessment=iha,
        need="n",
        action="a",
        owner_kind="CARER",
        owner_name="Carer",
        due_date=date(2026, 1, 20),
        created_by=cast.nurse_a,
    )
    from apps.children.selectors import children_visible_to

    assert selectors.overdue_actions_for_children(children_visible_to(cast.manager), TODAY) == 1
    assert (
        selectors.overdue_actions_for_children(
            children_visible_to(cast.social_worker_team_b), TODAY
        )
        == 0
    )


def test_the_care_leavers_health_history_agrees_with_the_record(cast, iha):
    from apps.assessments.models import DentalCheck

    DentalCheck.objects.create(child=iha.child, checked_on=date(2025, 11, 3), practice="High St")
    _complete_everything(cast, iha)
    services.write_up_save_section(
        assessment=iha,
        section="gp",
        data={"state": "completed", "registered": "yes", "practice": "Riverside Surgery"},
        saved_by=cast.nurse_a,
    )
    services.plan_action_add(
        assessment=iha,
        need="HPV not given",
        action="arrange the HPV catch-up",
        owner_kind="GP",
        owner_name="Riverside Surgery",
        due_date=date(2026, 3, 1),
        created_by=cast.nurse_a,
    )
    _sign(cast, iha)
    # Those who may not see the child's health records: 404 (the old history's rule).
    for outsider in (cast.nurse_b, cast.social_worker_team_b):
        assert (
            signed_in_client(outsider)
            .get(f"/children/{iha.child_id}/care-leaver-health-history.pdf")
            .status_code
            == 404
        )
    # The child's social worker may download it too, as they could the old one.
    assert (
        signed_in_client(cast.social_worker)
        .get(f"/children/{iha.child_id}/care-leaver-health-history.pdf")
        .status_code
        == 200
    )
    response = signed_in_client(cast.nurse_a).get(
        f"/children/{iha.child_id}/care-leaver-health-history.pdf"
    )
    assert response.status_code == 200, (response.status_code, response.content[-1500:])
    reader = PdfReader(BytesIO(response.content))
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Your last dental check was on 3 November 2025 at High St" in text
    assert "Riverside Surgery" in text
    assert "Your GP: arrange the HPV catch-up, by 1 March 2026" in text
    assert "Dr A Paediatrician, Paediatrician, Provider A" in text


def test_the_nurses_worklist_asks_for_the_write_up_until_it_is_signed_off(cast, iha):
    """The workflow registry's item for a held assessment whose structured write-up is not
    signed off; after sign-off the next step is returning the report. The page links the
    write-up."""
    from apps.assessments.worklists import action_for, worklist

    def words() -> str:
        row = worklist(cast.nurse_a, "action").get(pk=iha.pk)
        return action_for(cast.nurse_a, row)

    assert words() == "Write up the assessment"
    page = signed_in_client(cast.nurse_a).get(f"/assessments/{iha.pk}/")
    assert f"/assessments/{iha.pk}/write-up/" in page.content.decode()
    _complete_everything(cast, iha)
    assert words() == "Write up the assessment"  # a draft is not signed off
    _sign(cast, iha)
    assert words() == "Return the report"


def test_after_marking_read_the_way_back_stays_on_this_site(cast, iha):
    """The form's ``next`` is followed only to a page of this site: never another host."""
    _complete_everything(cast, iha)
    _sign(cast, iha)
    report = Report.objects.get(assessment=iha)
    signed_in_client(cast.nurse_a).post(f"/assessments/reports/{report.pk}/return/")
    sw = signed_in_client(cast.social_worker)
    away = sw.post(
        f"/assessments/reports/{report.pk}/read/", {"next": "https://evil.example/phish"}
    )
    assert away.status_code == 302
    assert away["Location"] == f"/children/{iha.child_id}/"
    again = sw.post(f"/assessments/reports/{report.pk}/read/", {"next": "/assessments/write-ups/"})
    assert again["Location"] == "/assessments/write-ups/"
