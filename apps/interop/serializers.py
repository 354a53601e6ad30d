from rest_framework import serializers


class ReadinessProblemSerializer(serializers.Serializer):
    rules = serializers.ListField(
        child=serializers.CharField(), help_text="The DfE validation rules that would flag it"
    )
    field = serializers.CharField(
        help_text="The record and field it concerns: child.upn, placement.urn, "
        "period_of_care.category_of_need, annual_outcome.convicted, ..."
    )
    record_id = serializers.IntegerField(
        allow_null=True, help_text="The placement or period of care, when it is one"
    )
    message = serializers.CharField()


class ReadinessSerializer(serializers.Serializer):
    year = serializers.CharField(help_text="The collection year, e.g. 2026/27")
    in_return = serializers.BooleanField(help_text="The child is in that year's return")
    ready = serializers.BooleanField()
    problems = ReadinessProblemSerializer(many=True)
