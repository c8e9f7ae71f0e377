from contracts.models import ContractKind, Platform
from incidents.forms.contract_step import ContractStepForm
from tests.builders import make_contract, make_product


def test_it_lists_usable_and_unavailable_contracts_with_reasons(partner_user):
    azure = make_product("Microsoft Azure", Platform.AZURE)
    partner = partner_user.partner
    usable = make_contract(partner, register_to=partner_user)
    make_contract(partner, used=5, units=5, register_to=partner_user)
    make_contract(partner, activated=False, register_to=partner_user)
    make_contract(partner, kind=ContractKind.PRODUCT_SUPPORT, register_to=partner_user)
    make_contract(partner)  # not registered to this user: never listed

    form = ContractStepForm(user=partner_user, product=azure)

    assert [o.contract for o in form.usable] == [usable]
    reasons = sorted(o.reason for o in form.unavailable)
    assert len(reasons) == 3
    assert any("No incidents remaining" in r for r in reasons)
    assert any("Not activated" in r for r in reasons)
    assert any("on-premises products only" in r for r in reasons)
    assert list(form.fields["contract"].queryset) == [usable]
