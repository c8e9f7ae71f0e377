"""Seeds the competency catalogue and the Signature Cloud Support eligibility table (SPEC §2)."""

import datetime as dt

from django.db import migrations

START = dt.date(2014, 9, 29)

COMPETENCIES = {
    "cloud": ["Cloud Productivity", "Small and Midmarket Cloud Solutions", "Cloud Platform"],
    "hybrid": [
        "Application Development", "Collaboration and Content", "Communications",
        "Devices and Deployment", "Messaging", "Midmarket Solution Provider",
        "Project and Portfolio Management", "Datacenter", "Data Platform",
    ],
    "onprem": ["Volume Licensing", "Software Asset Management", "Learning"],
}

# (product, competency, requires_renewal, shown_from)
RULES = [
    ("office365", "Cloud Productivity", False, dt.date(2014, 10, 31)),
    ("office365", "Small and Midmarket Cloud Solutions", False, dt.date(2014, 10, 31)),
    ("office365", "Application Development", False, None),
    ("office365", "Collaboration and Content", False, None),
    ("office365", "Communications", False, None),
    ("office365", "Devices and Deployment", False, None),
    ("office365", "Messaging", False, None),
    ("office365", "Midmarket Solution Provider", False, None),
    ("office365", "Project and Portfolio Management", False, None),
    ("azure", "Cloud Platform", False, None),
    ("azure", "Application Development", True, None),
    ("azure", "Datacenter", True, None),
    ("azure", "Data Platform", True, None),
]


def seed(apps, schema_editor):
    Competency = apps.get_model("partners", "Competency")
    EligibilityRule = apps.get_model("partners", "EligibilityRule")
    Group = apps.get_model("auth", "Group")
    for family, names in COMPETENCIES.items():
        for name in names:
            Competency.objects.update_or_create(name=name, defaults={"family": family})
    for product, name, requires_renewal, shown_from in RULES:
        EligibilityRule.objects.update_or_create(
            product=product,
            competency=Competency.objects.get(name=name),
            defaults={
                "available_from": START,
                "requires_renewal": requires_renewal,
                "shown_from": shown_from,
                "note": "Seed 000" + (" — hybrid, from the first renewal" if requires_renewal else ""),
            },
        )
    Group.objects.get_or_create(name="Support engineers")


def unseed(apps, schema_editor):
    apps.get_model("partners", "EligibilityRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(seed, unseed)]
