"""Clinic API under /api/v1/clinics/ and the capacity forecast at /api/v1/capacity/. Only the
provider's health staff see and manage its clinics (anyone else: an empty list, or 404 for
one record); assessments are found through the one access rule; bad input is a 400 that
names the field."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.assessments.models import Assessment
from apps.clinics import selectors, services
from apps.clinics.models import (
    CLINIC_KIND_CHOICES,
    CLINICIAN_ROLE_CHOICES,
    Booking,
    ClinicSession,
    Slot,
)
from apps.clinics.rules import RESCHEDULE_REASON_LABELS
from apps.clinics.selectors import BREACH_LIST_LIMIT
from apps.core.services import today

KIND_CHOICES = CLINIC_KIND_CHOICES


class SlotSerializer(serializers.ModelSerializer):
    free = serializers.SerializerMethodField()
    date = serializers.DateField(source="session.date", read_only=True)

    class Meta:
        model = Slot
        fields = ["id", "session", "date", "start_time", "minutes", "free"]

    def get_free(self, slot) -> bool:
        return not slot.bookings.filter(released_at__isnull=True).exists()


class ClinicSessionSerializer(serializers.ModelSerializer):
    slots = SlotSerializer(many=True, read_only=True)

    class Meta:
        model = ClinicSession
        fields = [
            "id",
            "provider",
            "kind",
            "date",
            "start_time",
            "end_time",
            "venue_name",
            "venue_address",
            "venue_postcode",
            "clinician",
            "clinician_role",
            "slot_minutes",
            "series",
            "cancelled_on",
            "cancel_reason",
            "slots",
        ]
        read_only_fields = fields


class ClinicSessionCreateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KIND_CHOICES)
    first_date = serializers.DateField()
    weeks = serializers.IntegerField(min_value=1, max_value=52, default=1)
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    slot_minutes = serializers.IntegerField(
        min_value=5, max_value=480, required=False, allow_null=True
    )
    venue_name = serializers.CharField(max_length=200)
    venue_address = serializers.CharField(max_length=300)
    venue_postcode = serializers.CharField(max_length=10)
    clinician = serializers.IntegerField()
    clinician_role = serializers.ChoiceField(choices=CLINICIAN_ROLE_CHOICES)


class BookingSerializer(serializers.ModelSerializer):
    assessment = serializers.IntegerField(source="appointment.assessment_id", read_only=True)
    appointment_date = serializers.DateField(source="appointment.appointment_date", read_only=True)
    location = serializers.CharField(source="appointment.location", read_only=True)

    class Meta:
        model = Booking
        fields = [
            "id",
            "slot",
            "appointment",
            "assessment",
            "appointment_date",
            "location",
            "booked_at",
        ]
        read_only_fields = fields


class BulkBookInput(serializers.Serializer):
    assessments = serializers.ListField(
        child=serializers.IntegerField(), min_length=1, max_length=200
    )


class BulkBookOutput(serializers.Serializer):
    booked = BookingSerializer(many=True)
    not_booked = inline_serializer(
        "NotBooked",
        {"assessment": serializers.IntegerField(), "reason": serializers.CharField()},
        many=True,
    )


class CancelSessionInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ClinicBookInput(serializers.Serializer):
    slot = serializers.IntegerField()


class RescheduleInput(serializers.Serializer):
    slot = serializers.IntegerField()
    reason = serializers.ChoiceField(choices=list(RESCHEDULE_REASON_LABELS.items()))
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


def _slot_for(user, slot_id: int) -> Slot:
    slot = selectors.slots_of(user).filter(pk=slot_id).first()
    if slot is None:
        raise serializers.ValidationError({"slot": ["No such slot in your provider's clinics."]})
    return slot


class ClinicSessionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The provider's clinic sessions with their slots. POST sets up one clinic or a
    recurring one (`weeks`), non-working days skipped."""

    # A clinic session is the provider's diary record, not a child's (see the access log).
    access_record_model = ClinicSession
    serializer_class = ClinicSessionSerializer
    ordering = ["date", "start_time", "id"]
    ordering_fields = ["date", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ClinicSession.objects.none()
        return selectors.sessions_of(self.request.user).prefetch_related("slots")

    @extend_schema(
        request=ClinicSessionCreateInput, responses={201: ClinicSessionSerializer(many=True)}
    )
    def create(self, request: Request) -> Response:
        if not selectors.manages_clinics(request.user):
            raise Http404
        data = ClinicSessionCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        clinician = selectors.clinicians_of(request.user).filter(pk=values.pop("clinician")).first()
        if clinician is None:
            raise serializers.ValidationError(
                {"clinician": ["Choose a clinician of your provider."]}
            )
        result = services.clinic_sessions_create(
            provider=request.user.organisation,
            clinician=clinician,
            created_by=request.user,
            **values,
        )
        return Response(
            ClinicSessionSerializer(result.sessions, many=True).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=CancelSessionInput, responses={200: ClinicSessionSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk=None) -> Response:
        session = self.get_object()
        data = CancelSessionInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.clinic_session_cancel(
            session=session, reason=data.validated_data["reason"], by=request.user
        )
        session.refresh_from_db()
        return Response(ClinicSessionSerializer(session).data)

    @extend_schema(request=BulkBookInput, responses={200: BulkBookOutput})
    @action(detail=True, methods=["post"], url_path="bulk-book")
    def bulk_book(self, request: Request, pk=None) -> Response:
        session = self.get_object()
        data = BulkBookInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data["assessments"]
        assessments = list(selectors.requests_to_book(request.user).filter(pk__in=ids))
        missing = set(ids) - {a.pk for a in assessments}
        if missing:
            raise serializers.ValidationError(
                {"assessments": [f"Not on your list of requests to book: {sorted(missing)}"]}
            )
        result = services.session_bulk_book(
            session=session, assessments=assessments, booked_by=request.user
        )
        return Response(
            {
                "booked": BookingSerializer(result.booked, many=True).data,
                "not_booked": [{"assessment": a.pk, "reason": why} for a, why in result.not_booked],
            }
        )


class SlotViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The slots of the provider's clinics; `?free=true` for the free ones only."""

    access_record_model = Slot
    serializer_class = SlotSerializer
    ordering = ["session__date", "start_time", "id"]
    ordering_fields = ["id"]

    @extend_schema(
        parameters=[
            OpenApiParameter("free", OpenApiTypes.BOOL),
            OpenApiParameter("session", OpenApiTypes.INT),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Slot.objects.none()
        slots = selectors.slots_of(self.request.user).select_related("session")
        if self.request.query_params.get("free") == "true":
            slots = selectors.free_slots(slots)
        session = self.request.query_params.get("session", "")
        if session.isdigit():
            slots = slots.filter(session_id=session)
        return slots


def _assessment(request, pk) -> Assessment:
    if not selectors.manages_clinics(request.user):
        raise Http404
    assessment = (
        selectors.assessments_visible_to(request.user)
        .filter(provider_id=request.user.organisation_id, pk=pk)
        .first()
    )
    if assessment is None:
        raise Http404
    return assessment


class BookView(APIView):
    """Book the assessment into a free slot of the provider's clinics."""

    access_record_model = Assessment

    @extend_schema(request=ClinicBookInput, responses={201: BookingSerializer})
    def post(self, request: Request, pk: int) -> Response:
        assessment = _assessment(request, pk)
        data = ClinicBookInput(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.slot_book(
            slot=_slot_for(request.user, data.validated_data["slot"]),
            assessment=assessment,
            booked_by=request.user,
        )
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)


class RescheduleView(APIView):
    """Move the assessment's booked appointment to another slot (or, booked without a slot,
    into one), with the reason: carer or young person and health count as their
    cancellation; an admin correction as nothing."""

    access_record_model = Assessment

    @extend_schema(request=RescheduleInput, responses={200: BookingSerializer})
    def post(self, request: Request, pk: int) -> Response:
        assessment = _assessment(request, pk)
        data = RescheduleInput(data=request.data)
        data.is_valid(raise_exception=True)
        appointment = assessment.appointments.filter(outcome="BOOKED").first()
        if appointment is None:
            raise serializers.ValidationError(
                {"slot": ["This assessment has no booked appointment to move."]}
            )
        booking = Booking.objects.filter(appointment=appointment, released_at__isnull=True).first()
        values = {
            "slot": _slot_for(request.user, data.validated_data["slot"]),
            "reason": data.validated_data["reason"],
            "note": data.validated_data["note"],
            "by": request.user,
        }
        # An appointment booked without a slot is moved into one, with the same reasons.
        moved = (
            services.booking_reschedule(booking=booking, **values)
            if booking
            else services.appointment_move_into_slot(appointment=appointment, **values)
        )
        return Response(BookingSerializer(moved).data)


class WeekSerializer(serializers.Serializer):
    week = serializers.IntegerField()
    starts = serializers.DateField()
    iha_due = serializers.IntegerField()
    rha_due = serializers.IntegerField()
    forecast_iha = serializers.IntegerField()
    free_iha_slots = serializers.IntegerField(source="supply.iha")
    free_rha_slots = serializers.IntegerField(source="supply.rha")
    free_either_slots = serializers.IntegerField(source="supply.either")
    iha_breaches = serializers.IntegerField()
    rha_breaches = serializers.IntegerField()
    forecast_breaches = serializers.IntegerField()
    shortfall = serializers.IntegerField()
    predicted_breaches = serializers.SerializerMethodField()

    def get_predicted_breaches(self, week) -> list[dict]:
        children = self.context["children"]
        rows = []
        for due in week.breaches:
            assessment = children.get(due.key)
            rows.append(
                {
                    "assessment": due.key if assessment else None,
                    "child": assessment.child_id if assessment else None,
                    "kind": due.kind,
                    "deadline": due.deadline.isoformat(),
                }
            )
        return rows


class ProviderForecastSerializer(serializers.Serializer):
    provider = serializers.IntegerField(source="provider.pk")
    provider_name = serializers.CharField(source="provider.name")
    named_breaches = serializers.IntegerField(
        help_text="Predicted breaches of named children over the weeks (all of them)"
    )
    listed_breaches = serializers.IntegerField(
        help_text="How many of them are listed in the weeks' predicted_breaches (at most "
        f"{BREACH_LIST_LIMIT}, the earliest weeks first)"
    )
    weeks = serializers.SerializerMethodField()

    def get_weeks(self, result) -> list[dict]:
        return WeekSerializer(result.weeks, many=True, context={"children": result.children}).data


class CapacityView(APIView):
    """The capacity forecast: for each provider the user may see (or `provider`), each of the
    next `weeks` weeks (default 12, at most 26): demand, free slots and predicted breaches
    (a child the user may not see is counted, with assessment and child null)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("provider", OpenApiTypes.INT),
            OpenApiParameter("weeks", OpenApiTypes.INT),
        ],
        responses={200: ProviderForecastSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        providers = selectors.forecast_providers(request.user)
        provider = request.query_params.get("provider", "")
        errors = {}
        if provider:
            if not provider.isdigit() or not providers.filter(pk=provider).exists():
                errors["provider"] = ["No such provider among those you may see."]
            else:
                providers = providers.filter(pk=provider)
        weeks = request.query_params.get("weeks", "12")
        if not weeks.isdigit() or not 1 <= int(weeks) <= 26:
            errors["weeks"] = ["Give a number of weeks from 1 to 26."]
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        results = selectors.capacity(
            request.user, providers=list(providers), today=today(), weeks=int(weeks)
        )
        return Response(ProviderForecastSerializer(results, many=True).data)
