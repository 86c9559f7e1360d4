"""API input and output shapes for authentication and the current user."""

from __future__ import annotations

from rest_framework import serializers

from jewelreview.accounts.roles import Role


class TokenCreateInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenOutput(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")


class MeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=[r.value for r in Role]))
    permissions = serializers.ListField(child=serializers.CharField(), help_text="Actions the roles allow.")
    is_staff = serializers.BooleanField(help_text="May open the Django admin.")
