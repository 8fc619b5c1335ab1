"""The API for a programme's members, under /api/v1/programmes/<slug>/members/: the same
operations as the members page (list, add, change a role, remove), for the same people —
an administrator of the programme's lead council (programmes.access.programme_admin_access:
403 for a member who is not, 404 for anyone else) — through the same services, so each
change is in the history with who made it."""
from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from core.api import VersionedRecordMixin
from core.concurrency import VersionedSchema, as_stored, with_etag
from core.roles import Role
from programmes.access import programme_admin_access
from programmes.councils import programme_members_for_admin
from programmes.membership import member_add, member_change_role, member_remove
from programmes.models import Membership


class MemberSerializer(serializers.ModelSerializer):
    """A member: who they are (name, username and email together) and their role. To add
    someone, give `user` (their id) or `user_email` (their account's exact email address);
    after that only the role changes."""

    user = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(is_active=True),
                                              required=False)
    user_email = serializers.EmailField(write_only=True, required=False)
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["id", "user", "user_email", "username", "name", "email", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Fails closed, as every programme's serializer does: without the programme in the
        # context (a view that forgot it) nobody can be chosen.
        if "programme" not in self.context:
            self.fields["user"].queryset = get_user_model().objects.none()

    def validate(self, attrs):
        if self.instance is not None:
            # The person of a membership never changes: remove them and add another instead.
            return {"role": attrs.get("role", self.instance.role)}
        user, email = attrs.get("user"), attrs.get("user_email")
        if user is None and not email:
            raise serializers.ValidationError({"user": "Give the person's user id or their email address."})
        if user is None:
            user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
            if user is None:
                raise serializers.ValidationError(
                    {"user_email": f"Nobody has an account with {email}: invite them from the members page."})
        return {"user": user, "role": attrs["role"]}


class MemberViewSet(VersionedRecordMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    model = Membership
    serializer_class = MemberSerializer
    schema = VersionedSchema()
    lookup_value_converter = "int"
    # Who may change a member is not a role's capability but administering the council
    # (programme_admin_access); the concurrency walk reads this to choose who tries it.
    edit_capability = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.programme = programme_admin_access(request.user, kwargs["programme_slug"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's filters read the model
            return Membership.objects.none()
        return programme_members_for_admin(self.programme)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "programme"):  # not while the schema is built
            context["programme"] = self.programme
        return context

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = member_add(programme=self.programme, by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)

    @transaction.atomic
    def update(self, request, *args, **kwargs):
        membership = self._locked_object()
        if stale := self.stale_response(membership):
            return stale
        serializer = self.get_serializer(membership, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        member_change_role(membership=membership, role=serializer.validated_data["role"], by=request.user)
        membership = as_stored(membership)
        return with_etag(Response(self.get_serializer(membership).data), membership)

    @transaction.atomic
    def destroy(self, request, *args, **kwargs):
        membership = self._locked_object()
        if stale := self.stale_response(membership):
            return stale
        member_remove(membership=membership, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
