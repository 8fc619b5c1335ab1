from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from core.models import Job, User

admin.site.site_header = "Insource administration"
admin.site.register(User, UserAdmin)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "status", "progress", "created_by", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in Job._meta.fields]
