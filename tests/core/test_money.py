"""Reading money as officers type and paste it (core.money), and the walk that holds every
money field of every form and serializer to the one money field."""
import importlib
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.db import models
from rest_framework import serializers

from core.api import PlainMoneyField
from core.forms import MoneyFormField
from core.models import MoneyField
from core.money import MoneyError, parse_money

D = Decimal


@pytest.mark.parametrize("text, expected", [
    ("£31,000", D("31000")),
    ("31,000.50", D("31000.50")),
    ("(1,000)", D("-1000")),
    ("-1,000", D("-1000")),
    ("\u22121,000", D("-1000")),          # the minus our own pages print, copied back
    ("-£1,000", D("-1000")),
    ("£-1,000", D("-1000")),
    ("(£1,000.50)", D("-1000.50")),
    ("  £ 31,000  ", D("31000")),
    ("31\u00a0000", D("31000")),          # a non-breaking space between thousands
    ("1,000,000", D("1000000")),
    ("0.5", D("0.5")),
    ("+5", D("5")),
    ("", None),
])
def test_what_officers_paste_is_read_to_the_penny(text, expected):
    got = parse_money(text)
    assert got == expected
    assert got is None or isinstance(got, Decimal)


@pytest.mark.parametrize("text, says", [
    ("31k", "Enter the amount in full, like 31000 rather than 31k"),
    ("1.2m", "Enter the amount in full"),
    ("1,5", "comma that is not between thousands"),
    ("1,0000", "comma that is not between thousands"),
    ("1.000,50", "comma that is not between thousands"),
    ("12,34,567", "comma that is not between thousands"),
    ("1.000", "no more than 2 decimal places"),
    ("31,000.505", "no more than 2 decimal places"),
    ("(-1,000)", "more than one sign"),
    ("--5", "more than one sign"),
    ("1,000-", "Put the minus sign before the amount"),
    ("lots", "Enter the amount as a number of pounds"),
    ("1e5", "Enter the amount as a number of pounds"),
    ("NaN", "Enter the amount as a number of pounds"),
    ("£", "Enter the amount as a number of pounds"),
])
def test_what_would_need_a_guess_is_refused_with_a_message(text, says):
    with pytest.raises(MoneyError) as caught:
        parse_money(text)
    assert says in str(caught.value)


def test_the_message_names_the_field():
    with pytest.raises(MoneyError, match="^Enter the annual pay in full"):
        parse_money("31k", label="annual pay")


def test_numbers_from_a_spreadsheet_stay_decimal():
    assert parse_money(31000.5) == D("31000.5") and parse_money(12) == D("12")
    assert parse_money(D("1.25")) == D("1.25")
    with pytest.raises(MoneyError):
        parse_money(True)


def test_the_form_field_says_its_sign_and_names_itself_in_errors():
    field = MoneyFormField(label="Amount (£, real prices)", sign="A saving is a positive amount.",
                           help_text="In today's prices", min_value=D("0"))
    assert field.help_text == "In today's prices. A saving is a positive amount."
    assert field.clean("£31,000") == D("31000")
    with pytest.raises(forms.ValidationError) as caught:
        field.clean("(1,000)")
    assert caught.value.messages == ["The amount cannot be negative: enter £0 or more"]
    with pytest.raises(forms.ValidationError) as caught:
        field.clean("£1,000,000,000,000")
    assert caught.value.messages == ["The amount is too large: enter less than £1,000,000,000,000"]
    assert isinstance(field.widget, forms.TextInput)  # a number box would refuse "£" before we see it


def test_the_api_field_reads_strings_as_pages_do_and_numbers_as_they_are():
    field = PlainMoneyField(max_digits=14, decimal_places=2, label="Amount")
    assert field.run_validation("£31,000") == D("31000")
    assert field.run_validation("(1,000.50)") == D("-1000.50")
    assert field.run_validation(250) == D("250")
    with pytest.raises(serializers.ValidationError) as caught:
        field.run_validation("31k")
    assert "Enter the amount in full" in str(caught.value.detail)


# -- the walk ---------------------------------------------------------------------------

APPS = ("core", "programmes", "workforce", "risks", "finance", "business_cases")

# Decimals with two places that are not money, and why.
NOT_MONEY = {
    # A KPI's figures are in its own unit (per cent, people, pounds), printed by its unit.
    ("finance", "kpi", "baseline"), ("finance", "kpi", "comparator_value"), ("finance", "kpi", "target"),
    ("finance", "kpireading", "value"),
}


def _load_modules():
    for app in APPS:
        for name in ("forms", "imports", "api", "resources", "upload_pages", "ledger.forms", "ledger.spec"):
            try:
                importlib.import_module(f"{app}.{name}")
            except ModuleNotFoundError as exc:
                if not f"{app}.{name}".startswith(exc.name):
                    raise


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _ours(cls) -> bool:
    return cls.__module__.split(".")[0] in APPS


def _looks_like_money(model_field) -> bool:
    label = str(model_field.verbose_name)
    return ("£" in label or model_field.name in ("amount", "balance", "money", "annual_value", "value")
            or (model_field.max_digits == 14 and model_field.decimal_places == 2))


def test_every_money_column_is_a_money_field_with_its_sign_in_words():
    checked = 0
    for model in apps.get_models():
        if not _ours(model) or model.__name__.startswith("Historical"):
            continue
        for f in model._meta.concrete_fields:
            if not isinstance(f, models.DecimalField):
                continue
            key = (model._meta.app_label, model._meta.model_name, f.name)
            if key in NOT_MONEY or not _looks_like_money(f):
                continue
            assert isinstance(f, MoneyField), f"{model.__name__}.{f.name} holds money: make it a MoneyField"
            assert f.sign.strip(), f"{model.__name__}.{f.name} must say which sign it expects"
            checked += 1
    assert checked >= 10


def test_every_form_uses_the_one_money_field_for_money():
    _load_modules()
    checked = 0
    for form in _subclasses(forms.BaseForm):
        if not _ours(form):
            continue
        model = getattr(getattr(form, "_meta", None), "model", None)
        for name, field in form.base_fields.items():
            model_field = None
            if model is not None:
                try:
                    model_field = model._meta.get_field(name)
                except Exception:  # a form-only field
                    model_field = None
            is_money = isinstance(model_field, MoneyField) or (
                isinstance(field, forms.DecimalField) and "£" in str(field.label or ""))
            if not is_money:
                continue
            assert isinstance(field, MoneyFormField), f"{form.__module__}.{form.__name__}.{name}: use MoneyFormField"
            assert field.sign, f"{form.__name__}.{name} must say which sign it expects"
            assert field.sign in field.help_text, f"{form.__name__}.{name} must show its sign beside the field"
            checked += 1
    assert checked >= 8


def test_every_serializer_uses_the_one_money_field_for_money():
    _load_modules()
    checked = 0
    for serializer in _subclasses(serializers.ModelSerializer):
        if not _ours(serializer) or not hasattr(getattr(serializer, "Meta", None), "model"):
            continue
        model = serializer.Meta.model
        try:
            fields = serializer(context={}).fields
        except Exception:  # a serializer that needs its request to build; its base is walked
            continue
        for name, field in fields.items():
            source = getattr(field, "source", name) or name
            try:
                model_field = model._meta.get_field(source)
            except Exception:
                continue
            if isinstance(model_field, MoneyField) and not field.read_only:
                assert isinstance(field, PlainMoneyField), f"{serializer.__name__}.{name} must be a PlainMoneyField"
                checked += 1
    assert checked >= 5
