"""Loads the demo catalogue: products, the three topic trees, self-help and marketplace."""

from __future__ import annotations

from contracts.models import CountryActivationRule, Product, ProductVersion
from incidents.models import MarketplaceProduct, RoutedTeam, SelfHelpArticle, Topic, Tree

from .catalogue_spec import (
    AUTO_ACTIVATION_COUNTRIES,
    AZURE_BILLING,
    AZURE_OUT_OF_SCOPE,
    AZURE_TREE,
    MARKETPLACE,
    OFFICE365_TREE,
    ONPREM_TREE,
    PRODUCTS,
    SELF_HELP,
    TRANSLATIONS,
)
from .translations import names_for


def load_products() -> dict[str, Product]:
    products = {}
    for slug, (name, platform, versions) in PRODUCTS.items():
        product, _ = Product.objects.update_or_create(
            slug=slug, defaults={"name": name, "platform": platform, "is_active": True}
        )
        for version, mainstream_end in versions.items():
            ProductVersion.objects.update_or_create(
                product=product, name=version, defaults={"mainstream_end_on": mainstream_end}
            )
        products[slug] = product
    return products


def topic(spec: list, parent: tuple, name: str, order=0, **fields) -> tuple:
    """Add one node to ``spec``; returns its path (the parent of its children)."""
    hu, cs, ja, ko = names_for(name) or TRANSLATIONS.get(name, ("", "", "", ""))
    values = {
        "sort_order": order,
        "name_hu": hu,
        "name_cs": cs,
        "name_ja": ja,
        "name_ko": ko,
        "routes_to": "",
        "is_break_fix": True,
        "is_active": True,
        "product_id": None,
    }
    values.update(fields)
    path = (*parent, name)
    spec.append((path, values))
    return path


def sync_tree(tree: str, spec: list) -> dict[tuple, Topic]:
    """Create the missing nodes of ``spec`` level by level and fix changed ones."""
    existing = {(t.parent_id, t.name): t for t in Topic.objects.filter(tree=tree)}
    nodes: dict[tuple, Topic] = {}
    for depth in sorted({len(path) - 1 for path, _ in spec}):
        new, changed = [], []
        for path, values in spec:
            if len(path) - 1 != depth:
                continue
            parent = nodes[path[:-1]] if depth else None
            node = existing.get((parent.pk if parent else None, path[-1]))
            if node is None:
                # bulk_create skips Topic.save(), so set what it would derive.
                node = Topic(tree=tree, parent=parent, name=path[-1], depth=depth, **values)
                new.append(node)
            elif any(getattr(node, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(node, key, value)
                changed.append(node)
            nodes[path] = node
        Topic.objects.bulk_create(new)
        if changed:
            Topic.objects.bulk_update(changed, fields=[k for k in spec[0][1]])
    return nodes


def load_catalogue(products: dict[str, Product]) -> None:
    load_office365_tree()
    load_azure_tree(products["microsoft-azure"])
    nodes = load_on_premises_tree(products)
    load_self_help(products, nodes)
    load_marketplace()
    for country in AUTO_ACTIVATION_COUNTRIES:
        CountryActivationRule.objects.get_or_create(
            country=country, defaults={"auto_activate": True}
        )


def load_office365_tree() -> None:
    spec: list = []
    for i, (issue_type, route, services) in enumerate(OFFICE365_TREE):
        root = topic(spec, (), issue_type, i, routes_to=route)
        for j, (service, areas) in enumerate(services.items()):
            service_node = topic(spec, root, service, j)
            for k, (area, problems) in enumerate(areas.items()):
                area_node = topic(spec, service_node, area, k)
                for m, problem in enumerate(problems):
                    topic(spec, area_node, problem, m)
    sync_tree(Tree.OFFICE365, spec)


def load_azure_tree(azure: Product) -> None:
    spec: list = []
    for i, (name, problem_types) in enumerate(AZURE_TREE.items()):
        root = topic(spec, (), name, i, product_id=azure.pk)
        for j, (problem_type, categories) in enumerate(
            {**problem_types, **AZURE_OUT_OF_SCOPE}.items()
        ):
            type_node = topic(spec, root, problem_type, j)
            out_of_scope = problem_type in AZURE_OUT_OF_SCOPE
            for k, category in enumerate(categories):
                topic(
                    spec,
                    type_node,
                    category,
                    k,
                    routes_to=RoutedTeam.PARTNER_PROGRAMME if out_of_scope else "",
                    is_break_fix=not out_of_scope,
                )
    billing = topic(
        spec,
        (),
        "Billing and subscription management",
        len(AZURE_TREE),
        product_id=azure.pk,
        routes_to=RoutedTeam.BILLING,
    )
    for j, (problem_type, categories) in enumerate(AZURE_BILLING.items()):
        type_node = topic(spec, billing, problem_type, j)
        for k, category in enumerate(categories):
            topic(spec, type_node, category, k)
    sync_tree(Tree.AZURE, spec)


def load_on_premises_tree(products: dict[str, Product]) -> dict[tuple, Topic]:
    spec: list = []
    for i, (slug, categories) in enumerate(ONPREM_TREE.items()):
        product = products[slug]
        root = topic(spec, (), product.name, i, product_id=product.pk)
        for j, (category, problems) in enumerate(categories.items()):
            category_node = topic(spec, root, category, j)
            for k, problem in enumerate(problems):
                topic(spec, category_node, problem, k)
    return sync_tree(Tree.ON_PREMISES, spec)


def load_self_help(products: dict[str, Product], nodes: dict[tuple, Topic]) -> None:
    for slug, categories in SELF_HELP.items():
        product = products[slug]
        for category, articles in categories.items():
            category_node = nodes[(product.name, category)] if category else None
            for title, url, summary in articles:
                SelfHelpArticle.objects.update_or_create(
                    product=product,
                    name=title,
                    defaults={"topic": category_node, "url": url, "summary": summary},
                )


def load_marketplace() -> None:
    for name, isv, url, email, phone in MARKETPLACE:
        MarketplaceProduct.objects.update_or_create(
            name=name,
            defaults={
                "isv_name": isv,
                "support_url": url,
                "support_email": email,
                "support_phone": phone,
            },
        )
