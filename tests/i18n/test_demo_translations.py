"""Issue 8: the demo catalogue partners read has a name in every language."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.utils import translation

from contracts.models import Product
from demo.data.translations import (
    BRAND_NAMES,
    DEMO_TRANSLATIONS,
    LANGUAGES,
    apply_demo_translations,
)
from incidents.models import SelfHelpArticle, Topic
from partners.models import Competency

MODELS = (Competency, Product, Topic, SelfHelpArticle)


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=hashers):
        with transaction.atomic():
            call_command("load_demo", stdout=StringIO())
            yield
            transaction.set_rollback(True)


@pytest.fixture
def demo(_demo, db):
    pass


def test_every_demo_translation_has_the_four_languages():
    for name, names in DEMO_TRANSLATIONS.items():
        assert set(names) == set(LANGUAGES), name
        assert all(value.strip() for value in names.values()), name
    assert not BRAND_NAMES & set(DEMO_TRANSLATIONS)


def test_every_catalogue_name_of_the_demo_is_translated_or_a_brand_name(demo):
    missing = [
        f"{model.__name__}: {obj.name}"
        for model in MODELS
        for obj in model.objects.all()
        if obj.name not in BRAND_NAMES
        and not all(getattr(obj, f"name_{lang}") for lang in LANGUAGES)
    ]
    assert not missing, missing


def test_the_demo_names_are_those_of_the_data_module(demo):
    topic = Topic.objects.filter(name="Mail flow").first()
    assert topic.name_hu == "Levelezési forgalom"
    assert Competency.objects.get(name="Cloud Productivity").name_hu == "Felhőproduktivitás"
    article = SelfHelpArticle.objects.get(name="Troubleshoot DNS clients")
    assert article.name_ja == DEMO_TRANSLATIONS["Troubleshoot DNS clients"]["ja"]


def test_labels_follow_the_active_language_and_brand_names_stay(demo):
    competency = Competency.objects.get(name="Cloud Platform")
    product = Product.objects.get(name="Office 365")
    for lang, expected in (
        ("en", "Cloud Platform"),
        ("hu", "Felhőplatform"),
        ("cs", "Cloudová platforma"),
        ("ja", "クラウド プラットフォーム"),
        ("ko", "클라우드 플랫폼"),
    ):
        with translation.override(lang):
            assert competency.label == expected
            assert str(competency) == expected
            assert product.label == "Office 365"


def test_applying_the_translations_again_changes_nothing(demo):
    assert apply_demo_translations(*MODELS) == 0


def test_the_demo_loader_puts_back_a_changed_demo_name(demo):
    Competency.objects.filter(name="Messaging").update(name_hu="Üzenetküldés")
    assert apply_demo_translations(Competency) == 1
    assert Competency.objects.get(name="Messaging").name_hu == "Üzenetkezelés"
