"""A detect-secrets rule for the credentials qianwen-auth handles: DashScope keys (standard and
Token Plan) and Alibaba Cloud AccessKey ids."""

import re

from detect_secrets.plugins.base import RegexBasedDetector


class DashScopeKeyDetector(RegexBasedDetector):
    secret_type = "DashScope API key or Alibaba Cloud AccessKey"

    denylist = [
        re.compile(r"sk-(?:sp-)?[A-Za-z0-9_-]{16,}"),
        re.compile(r"LTAI[A-Za-z0-9_]{12,}"),
    ]
