"""What this build was generated from: the spec's digest, its doc versions and every enum's drift.

All of it comes from the generated operation table (``cortex_api_client.operations``): importing the
package parses no spec file.
"""

from __future__ import annotations

from cortex_api_client.operations import ENUM_SITES, SPEC_SHA256, SPEC_VERSIONS, EnumSite

__all__ = ["ENUM_SITES", "SPEC_SHA256", "SPEC_VERSIONS", "EnumSite"]
