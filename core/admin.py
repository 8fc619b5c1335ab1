from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from core.models import Job, Upload, User

admin.site.site_header = "Insource administration"
admin.site.register(User, UserAdmin)


class SettledRecordAdmin(SimpleHistoryAdmin):
    """An admin for records some of which are settled: decided, loaded from a file or
    generated. A settled record is the evidence of what happened, so the admin shows it but
    neither changes nor deletes it, nor reverts it to an earlier state through its history;
    the app's own pages (roll back an upload, a new version) are the way to change course.

    Subclasses say which records are settled in `is_settled`; tests/business_cases/
    test_admin_settled.py fails on a model of loaded rows whose admin does not.
    """

    def is_settled(self, obj) -> bool:
        """Whether `obj` is settled. Here, none is: each subclass names its own rule."""
        return False

    def _settled(self, obj) -> bool:
        return obj is not None and obj.pk is not None and self.is_settled(obj)

    def has_change_permission(self, request, obj=None):
        return not self._settled(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._settled(obj) and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # The bulk delete action checks no single record, so it is not offered at all.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def _current(self, object_id):
        return self.model._default_manager.filter(pk=object_id).first()

    def revert_disabled(self, request, obj=None):
        # History hands over the record as it was, which may not yet have been settled.
        if obj is not None and self._settled(self._current(obj.pk)):
            return True
        return super().revert_disabled(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and self._settled(self._current(object_id)):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ServiceDeleteAdmin(SimpleHistoryAdmin):
    """An admin that deletes through the app's service, under the rule the pages and the
    API follow: `delete_refusal(obj)` says why a record may not go ("" if it may), and
    `delete_record(obj, user=, reason=)` deletes it and whatever goes with it. A record the
    rule refuses has no Delete in the admin; the bulk delete, which would bypass both, is
    not offered. A subclass that lacks either is refused when the admin is registered."""

    def __init__(self, model, admin_site):
        missing = [hook for hook in ("delete_refusal", "delete_record") if not callable(getattr(self, hook, None))]
        if missing:
            raise ImproperlyConfigured(f"{type(self).__name__} deletes through a service, so it must define "
                                       + " and ".join(missing))
        super().__init__(model, admin_site)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.pk is not None and self.delete_refusal(obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        self.delete_record(obj, user=request.user, reason="Deleted in the administration")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


def loaded_from_a_file(obj) -> bool:
    """Whether a row came in with an upload that is still loaded."""
    return obj.upload_id is not None and obj.upload.status == Upload.Status.COMMITTED


@admin.register(Upload)
class UploadAdmin(SettledRecordAdmin):
    list_display = ["pk", "kind", "original_name", "status", "row_count", "uploaded_by", "uploaded_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in Upload._meta.fields]

    def is_settled(self, obj) -> bool:
        return obj.status == Upload.Status.COMMITTED

    def has_add_permission(self, request):
        return False  # an upload is made by uploading a file, through its page


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "status", "progress", "created_by", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in Job._meta.fields]
