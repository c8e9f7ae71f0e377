"""The sample incidents as data: (key, fields, follow-up).

Fields name what they refer to — a log-in, a product slug, a topic path, a contract
key — and ``incidents.resolve`` looks the objects up. Each sample also gets its
user's contact details and time zone.
"""

from __future__ import annotations

from incidents.models import RoutedTeam, Status, Tree

SAMPLES = [
    (
        "azure-vm-down",
        dict(
            user="cloud",
            channel="azure",
            title="Production VMs unreachable after NSG change",
            description="Since this morning none of the three web VMs accept RDP "
            "or HTTP traffic. We changed a network security group rule at 07:40.",
            error_message="Connection timed out (0x0000274C)",
            severity="A",
            is_24x7=True,
            product="microsoft-azure",
            topic=(Tree.AZURE, "Virtual Machines", "Connectivity", "Network security groups"),
            subscription="cloud_subscription",
            contract="cloud_scs",
            facts={"started": "07:45 UTC", "affected": "3 VMs"},
        ),
        {"overdue": True},
    ),
    (
        "azure-sql-slow",
        dict(
            user="cloud",
            channel="azure",
            title="SQL Database queries ten times slower since scaling",
            description="After moving to 8 vCores, the nightly report queries run "
            "ten times slower than before.",
            severity="B",
            product="microsoft-azure",
            topic=(Tree.AZURE, "SQL Database", "Performance", "Slow queries"),
            subscription="cloud_subscription",
            contract="cloud_scs",
        ),
        {
            "status": Status.IN_PROGRESS,
            "reply": "I am looking at the query store of your database now. Could you "
            "tell me which report is the slowest?",
            "answer": "The monthly revenue report; it used to take 40 seconds.",
        },
    ),
    (
        "azure-advisory",
        dict(
            user="cloud",
            channel="azure",
            title="Architecture review for a multi-region deployment",
            description="We would like guidance on a multi-region design.",
            severity="C",
            product="microsoft-azure",
            topic=(
                Tree.AZURE,
                "App Service",
                "Advisory and partner questions",
                "Advisory / architecture guidance",
            ),
            route_to=RoutedTeam.PARTNER_PROGRAMME,
        ),
        {},
    ),
    (
        "office365-mail-delay",
        dict(
            user="gold",
            channel="office365",
            title="Outbound e-mail delayed by up to two hours",
            description="Messages to external recipients sit in the outbox for up "
            "to two hours. Internal mail is fine.",
            severity="B",
            product="office-365",
            topic=(
                Tree.OFFICE365,
                "Technical",
                "Exchange Online",
                "Mail flow",
                "Delayed or missing e-mail",
            ),
            facts={"tenant": "northwind.onmicrosoft.com", "users_affected": "120"},
        ),
        {},
    ),
    (
        "office365-sharepoint-resolved",
        dict(
            user="gold",
            channel="office365",
            title="Site collection shows access denied to its owners",
            description="Owners of the Finance site get access denied since Monday.",
            severity="C",
            product="office-365",
            topic=(Tree.OFFICE365, "Technical", "SharePoint Online", "Sites", "Access denied"),
        ),
        {
            "status": Status.RESOLVED,
            "reply": "The site was locked by a retention policy; we removed the lock.",
        },
    ),
    (
        "office365-invoice",
        dict(
            user="gold",
            channel="office365",
            title="Invoice shows licences we removed",
            description="The October invoice still lists 15 E3 licences we removed.",
            severity="C",
            product="office-365",
            topic=(
                Tree.OFFICE365,
                "Billing",
                "Office 365 subscription",
                "Invoices and payments",
                "Invoice question",
            ),
            route_to=RoutedTeam.BILLING,
        ),
        {},
    ),
    (
        "business-ad-replication",
        dict(
            user="cloud",
            channel="business",
            title="Domain controllers stopped replicating",
            description="repadmin /replsummary shows error 1722 between our two "
            "sites since the firewall upgrade.",
            error_message="The RPC server is unavailable (1722)",
            severity="B",
            product="windows-server",
            product_version="2025",
            topic=(
                Tree.ON_PREMISES,
                "Windows Server",
                "Active Directory",
                "Replication failures",
            ),
            contract="cloud_product_support",
        ),
        {
            "status": Status.WAITING,
            "reply": "Please send the output of dcdiag /v from both domain controllers.",
        },
    ),
    (
        "csp-wingtip-vm",
        dict(
            user="csp",
            channel="csp",
            title="Customer VM fails to start after resize",
            description="Wingtip Toys' VM 'wt-app-01' fails to start after a resize to D4s v5.",
            severity="C",
            product="microsoft-azure",
            # The first customer and its subscription (demo.data.customers.CUSTOMERS).
            customer=0,
            support_plan="Cloud Solution Provider",
            # As the CSP channel stores them (incidents.csp.raise_csp_request).
            facts={"request_type": "technical", "customer_tenant": "wingtiptoys.onmicrosoft.com"},
        ),
        {},
    ),
    (
        "csp-litware-billing",
        dict(
            user="csp",
            channel="csp",
            title="Monthly bill lists more seats than are assigned",
            description="The December bill lists 40 Microsoft 365 Business Premium seats; "
            "the tenant has 32 assigned.",
            severity="C",
            product="office-365",
            # The second customer; its text does not name it: found by the customer link.
            customer=1,
            facts={"request_type": "non_technical", "customer_tenant": "litware.onmicrosoft.com"},
            break_fix=False,
        ),
        {},
    ),
    (
        "azure-hybrid-rejected",
        dict(
            user="hybrid",
            channel="azure",
            title="Storage account returns 403 to our backup job",
            description="Our backup job gets 403 from the storage account.",
            severity="B",
            product="microsoft-azure",
            topic=(Tree.AZURE, "Storage", "Blob storage", "Access denied (SAS or keys)"),
            # Rejected with the reason the partner's Azure eligibility gives.
            rejected=True,
        ),
        {},
    ),
]
