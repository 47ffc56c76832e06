from django.db import migrations


def recompute(apps, schema_editor):
    # The search text now holds country names in every interface language.
    from learningcities.common.text import fold
    from learningcities.network.domain.cities import country_search_names

    City = apps.get_model("network", "City")
    batch = []
    for city in City.objects.only("pk", "name", "local_name", "admin_area", "country_id"):
        parts = [fold(p) for p in (city.name, city.local_name, city.admin_area)]
        city.search_text = " ".join(
            [p for p in parts if p] + list(country_search_names(city.country_id))
        )
        batch.append(city)
        if len(batch) >= 1000:
            City.objects.bulk_update(batch, ["search_text"])
            batch = []
    City.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
