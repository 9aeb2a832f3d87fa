"""Vocabularies for realistic synthetic records (people, teams, services, scorecards...)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence

FIRST_NAMES = (
    "priya", "marcus", "elena", "kenji", "amara", "lucas", "sofia", "david", "fatima", "oliver",
    "chen", "isabel", "tomasz", "grace", "rahul", "nora", "mateo", "hannah", "yusuf", "lena",
)  # fmt: skip
LAST_NAMES = (
    "sharma", "johnson", "petrova", "tanaka", "okafor", "martin", "rossi", "cohen", "haddad", "smith",
    "wang", "garcia", "nowak", "kim", "patel", "berg", "silva", "mueller", "demir", "fischer",
)  # fmt: skip
EMAIL_DOMAIN = "acme-corp.com"
TEAMS = ("payments", "checkout", "platform", "sre", "data", "identity", "search", "mobile", "growth", "security")
SERVICES = (
    "payments-api", "checkout-web", "ledger-service", "auth-gateway", "search-indexer", "notifications-worker",
    "inventory-service", "billing-cron", "fraud-detector", "mobile-bff", "feature-flags", "user-profile",
)  # fmt: skip
SCORECARDS = ("production-readiness", "security-baseline", "dora-metrics", "observability", "ownership-hygiene")
INITIATIVES = (
    "Migrate to Java 21", "Adopt OpenTelemetry", "Remove log4j 1.x", "Add runbooks to tier-1 services",
    "Enable SSO everywhere", "Kubernetes 1.30 upgrade",
)  # fmt: skip
API_KEYS = ("ci-deploy-key", "terraform-provider", "backstage-sync", "github-actions", "data-export-job")
OBJECT_TYPES: Mapping[str, int] = {
    "CATALOG": 30, "SERVICE": 20, "TEAM": 10, "SCORECARD": 10, "INITIATIVE": 5, "DOMAIN": 4, "API_KEY": 4,
    "WORKFLOW": 5, "AWS_CONFIGURATION": 4, "BITBUCKET_CONFIGURATION": 3, "GITHUB_CONFIGURATION": 3,
    "PAGERDUTY_CONFIGURATION": 2,
}  # fmt: skip
CONFIGURATIONS = ("prod-account", "staging-account", "main-workspace", "default")


class Weighted:
    """A weighted choice driven by a 64-bit hash value."""

    def __init__(self, weights: Mapping[str, int] | Sequence[str]) -> None:
        table = dict(weights) if isinstance(weights, Mapping) else dict.fromkeys(weights, 1)
        self.values = tuple(table)
        cumulative: list[int] = []
        total = 0
        for value in self.values:
            total += table[value]
            cumulative.append(total)
        self._cumulative = tuple(cumulative)
        self._total = total

    def pick(self, draw: int) -> str:
        """The value that ``draw`` (any non-negative int) selects."""
        return self.values[bisect_right(self._cumulative, draw % self._total)]


def person(index: int) -> tuple[str, str]:
    """The display name and email of person ``index``."""
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index * 7 + index // len(FIRST_NAMES)) % len(LAST_NAMES)]
    return f"{first.title()} {last.title()}", f"{first}.{last}@{EMAIL_DOMAIN}"


def object_identifier(object_type: str, draw: int) -> str:
    """A readable identifier for an object of ``object_type``."""
    if object_type in ("CATALOG", "SERVICE"):
        return SERVICES[draw % len(SERVICES)]
    if object_type == "TEAM":
        return f"team-{TEAMS[draw % len(TEAMS)]}"
    if object_type == "DOMAIN":
        return f"domain-{TEAMS[draw % len(TEAMS)]}"
    if object_type == "SCORECARD":
        return SCORECARDS[draw % len(SCORECARDS)]
    if object_type == "INITIATIVE":
        return INITIATIVES[draw % len(INITIATIVES)]
    if object_type == "API_KEY":
        return API_KEYS[draw % len(API_KEYS)]
    if object_type == "WORKFLOW":
        return ("provision-new-service", "rotate-secrets", "create-incident-channel")[draw % 3]
    prefix = object_type.removesuffix("_CONFIGURATION").lower()
    return f"{prefix}-{CONFIGURATIONS[draw % len(CONFIGURATIONS)]}"
