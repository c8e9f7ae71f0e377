"""The demo catalogue as data: products, the three topic trees, self-help and marketplace."""

from __future__ import annotations

import datetime as dt

from contracts.models import Platform
from incidents.models import RoutedTeam

# slug: (name, platform, {version: mainstream end or None}, translations)
PRODUCTS = {
    "office-365": ("Office 365", Platform.OFFICE365, {}),
    "microsoft-azure": ("Microsoft Azure", Platform.AZURE, {}),
    "dynamics-crm-online": ("Dynamics CRM Online", Platform.DYNAMICS, {}),
    "enterprise-mobility-suite": ("Enterprise Mobility Suite", Platform.EMS, {}),
    "windows-server": (
        "Windows Server",
        Platform.ON_PREMISES,
        {
            "2025": dt.date(2029, 10, 9),
            "2022": dt.date(2026, 10, 13),
            "2019": dt.date(2024, 1, 9),
            "2012 R2": dt.date(2018, 10, 9),
        },
    ),
    "sql-server": (
        "SQL Server",
        Platform.ON_PREMISES,
        {"2022": dt.date(2028, 1, 11), "2016": dt.date(2021, 7, 13)},
    ),
    "exchange-server": (
        "Exchange Server",
        Platform.ON_PREMISES,
        {"Subscription Edition": None, "2019": dt.date(2024, 1, 9)},
    ),
    "sharepoint-server": (
        "SharePoint Server",
        Platform.ON_PREMISES,
        {"Subscription Edition": None},
    ),
}

# Translated names of the top of each tree (hu, cs, ja, ko).
TRANSLATIONS = {
    "Technical": ("Műszaki", "Technický", "技術的な問題", "기술 문제"),
    "Billing": ("Számlázás", "Fakturace", "請求", "청구"),
    "Password reset": (
        "Jelszó-visszaállítás",
        "Obnovení hesla",
        "パスワードのリセット",
        "암호 재설정",
    ),
    "Assistance / process questions": (
        "Segítség / folyamatokkal kapcsolatos kérdések",
        "Pomoc / dotazy k procesům",
        "支援 / プロセスに関する質問",
        "지원 / 프로세스 질문",
    ),
    "Virtual Machines": ("Virtuális gépek", "Virtuální počítače", "仮想マシン", "가상 머신"),
    "Storage": ("Tárolás", "Úložiště", "ストレージ", "스토리지"),
    "Billing and subscription management": (
        "Számlázás és előfizetés-kezelés",
        "Fakturace a správa předplatného",
        "請求とサブスクリプションの管理",
        "청구 및 구독 관리",
    ),
}

# Office 365: issue type → service → service area → problem area.
OFFICE365_TREE = [
    (
        "Technical",
        "",
        {
            "Exchange Online": {
                "Mail flow": ["Delayed or missing e-mail", "Non-delivery reports", "Connectors"],
                "Mailboxes": ["Cannot open a mailbox", "Shared mailbox permissions", "Archiving"],
                "Migration": ["Hybrid migration batch fails", "IMAP migration"],
            },
            "SharePoint Online": {
                "Sites": ["Access denied", "Site creation fails"],
                "OneDrive sync": ["Files do not sync", "Sync client errors"],
                "Sharing": ["External sharing blocked", "Sharing links expire"],
            },
            "Skype for Business Online": {
                "Meetings": ["Cannot join a meeting", "Audio and video quality"],
                "Presence and IM": ["Presence not updating", "Messages not delivered"],
            },
            "Office 365 ProPlus": {
                "Installation": ["Click-to-Run installation fails", "Update channel"],
                "Activation": ["Activation errors", "Licence not detected"],
            },
            "Azure Active Directory": {
                "Directory synchronization": ["Azure AD Connect errors", "Duplicate attributes"],
                "Single sign-on": ["AD FS federation fails", "Conditional access blocks sign-in"],
            },
        },
    ),
    (
        "Billing",
        RoutedTeam.BILLING,
        {
            "Office 365 subscription": {
                "Invoices and payments": ["Invoice question", "Payment method"],
                "Licences": ["Buy or remove licences", "Trial conversion"],
            },
        },
    ),
    (
        "Password reset",
        RoutedTeam.ACCOUNT,
        {
            "Accounts": {
                "Administrator password": ["Reset a global admin password", "Admin locked out"],
                "User password": ["Self-service password reset"],
            },
        },
    ),
    (
        "Assistance / process questions",
        RoutedTeam.PARTNER_PROGRAMME,
        {
            "Partner programme": {
                "How-to and process": ["Using the portal", "Benefits question"],
                "Planning": ["Licensing advice", "Deployment planning"],
            },
        },
    ),
]

# Azure: product → problem type → category. Out-of-scope categories are routed.
AZURE_OUT_OF_SCOPE = {
    "Advisory and partner questions": [
        "Advisory / architecture guidance",
        "Pre-sales question",
        "Partner benefits question",
    ]
}
AZURE_TREE = {
    "Virtual Machines": {
        "Connectivity": ["Cannot connect with RDP or SSH", "Network security groups"],
        "Performance": ["High CPU", "Disk latency"],
        "Deployment": ["Provisioning fails", "VM extension errors"],
    },
    "App Service": {
        "Deployment": ["Git or ZIP deployment fails", "Slot swap fails"],
        "Availability": ["HTTP 5xx errors", "Unexpected restarts"],
        "Configuration": ["Custom domains and TLS", "Application settings"],
    },
    "SQL Database": {
        "Connectivity": ["Login failures", "Firewall rules"],
        "Performance": ["Slow queries", "DTU or vCore limits"],
        "Backup and restore": ["Point-in-time restore", "Geo-replication"],
    },
    "Storage": {
        "Blob storage": ["Access denied (SAS or keys)", "Slow data transfer"],
        "Files": ["Azure Files share does not mount"],
        "Availability": ["Storage account unavailable"],
    },
    "Azure Active Directory": {
        "Sign-in": ["Multi-factor authentication", "Conditional access"],
        "Synchronization": ["Azure AD Connect errors"],
        "Applications": ["App registration and consent"],
    },
}
AZURE_BILLING = {
    "Invoices": ["Invoice question", "Credit or refund"],
    "Subscription management": ["Transfer a subscription", "Quota increase"],
}

# On-premises: product (root bound to the catalogue product) → category → problem.
ONPREM_TREE = {
    "windows-server": {
        "Active Directory": [
            "Replication failures",
            "Group Policy not applied",
            "Domain controller promotion fails",
        ],
        "Networking": ["DNS resolution", "DHCP scope"],
        "Hyper-V": ["Virtual machine does not start", "Live migration fails"],
        "Setup and updates": ["Windows Update errors", "In-place upgrade fails"],
    },
    "sql-server": {
        "Database engine": ["Service does not start", "Blocking and deadlocks"],
        "High availability": ["Availability group failover", "Log shipping"],
        "Performance": ["Slow queries", "Memory pressure"],
    },
    "exchange-server": {
        "Mail flow": ["Queues growing", "Transport rules"],
        "Client access": ["Outlook cannot connect", "Outlook on the web errors"],
        "Hybrid": ["Hybrid Configuration Wizard fails"],
    },
    "sharepoint-server": {
        "Search": ["Crawl errors"],
        "Farm configuration": ["Service application errors", "Upgrade fails"],
        "Sites": ["Access denied"],
    },
}

# product slug → category → [(title, url, summary)]
SELF_HELP = {
    "windows-server": {
        "Active Directory": [
            (
                "Troubleshoot Active Directory replication",
                "https://learn.microsoft.com/troubleshoot/windows-server/active-directory/"
                "troubleshoot-adreplication-guidance",
                "Check replication status with repadmin and fix the common errors.",
            ),
            (
                "Group Policy is not applied",
                "https://learn.microsoft.com/troubleshoot/windows-server/group-policy/"
                "applying-group-policy-troubleshooting-guidance",
                "Use gpresult and the Group Policy event log to find why a policy is skipped.",
            ),
        ],
        "Networking": [
            (
                "Troubleshoot DNS clients",
                "https://learn.microsoft.com/troubleshoot/windows-server/networking/"
                "troubleshoot-dns-client",
                "Check name resolution step by step with Resolve-DnsName.",
            ),
        ],
        "Hyper-V": [
            (
                "A Hyper-V virtual machine does not start",
                "https://learn.microsoft.com/troubleshoot/windows-server/virtualization/"
                "troubleshoot-hyper-v-vm-start-issues",
                "Common start-up errors: permissions, memory, configuration files.",
            ),
        ],
    },
    "sql-server": {
        "Database engine": [
            (
                "SQL Server service does not start",
                "https://learn.microsoft.com/troubleshoot/sql/database-engine/startup-shutdown/"
                "troubleshoot-sql-server-startup-issues",
                "Read the error log and the service account rights first.",
            ),
        ],
        "Performance": [
            (
                "Troubleshoot slow-running queries",
                "https://learn.microsoft.com/troubleshoot/sql/database-engine/performance/"
                "troubleshoot-slow-running-queries",
                "Find waits, missing indexes and plan regressions.",
            ),
        ],
    },
    "exchange-server": {
        "Mail flow": [
            (
                "Mail queues in Exchange Server",
                "https://learn.microsoft.com/exchange/mail-flow/queues/queues",
                "How to read the queue viewer and retry or suspend messages.",
            ),
        ],
        None: [
            (
                "Exchange Server supportability matrix",
                "https://learn.microsoft.com/exchange/plan-and-deploy/supportability-matrix",
                "Supported operating systems, clients and versions.",
            ),
        ],
    },
    "sharepoint-server": {
        "Search": [
            (
                "Troubleshoot crawl errors",
                "https://learn.microsoft.com/sharepoint/search/troubleshoot-crawl",
                "Read the crawl log and check the content access account.",
            ),
        ],
    },
}

MARKETPLACE = [
    (
        "Contoso Backup Appliance",
        "Proseware, Inc.",
        "https://support.proseware.example/backup-appliance",
        "support@proseware.example",
        "+1 425 555 0142",
    ),
    (
        "Lamna Next-Generation Firewall",
        "Lamna Security Ltd.",
        "https://lamna.example/support",
        "help@lamna.example",
        "+44 20 7946 0321",
    ),
    (
        "Litware Analytics Gateway",
        "Litware Software GmbH",
        "https://litware.example/service",
        "service@litware.example",
        "+49 30 901820",
    ),
]

# Gold/Silver competency partners in these countries are activated automatically.
AUTO_ACTIVATION_COUNTRIES = ["US", "GB", "DE"]
