from django.apps import AppConfig


class BusinessCasesConfig(AppConfig):
    name = "business_cases"
    verbose_name = "Business cases"
