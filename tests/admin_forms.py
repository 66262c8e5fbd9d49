"""Driving an admin change form as a browser would: open it, change some values, post it back."""

from django.urls import reverse


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def logged_in(client, user):
    client.force_login(user)
    return client


def form_data(client, item, **changes):
    """The change form's current values, as a browser would post them back, with some changed."""
    response = client.get(admin_url(type(item), "change", item.pk))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = form[name].field.widget.format_value(value) if name == "authors" else value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        for inline_form in formset.formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None and value is not False:
                    data[inline_form.add_prefix(name)] = value
    data.update(changes)
    return data
