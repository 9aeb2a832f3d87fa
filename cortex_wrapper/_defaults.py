"""Every default and limit of the client, named, in one place."""

from __future__ import annotations

DEFAULT_BASE_URL = "https://api.getcortexapp.com"
"""Cortex Cloud; self-hosted Cortex has its own URL (``base_url`` / ``CORTEX_BASE_URL``)."""

TOKEN_ENV_VARS = ("CORTEX_API_TOKEN", "CORTEX_API_KEY")
"""Where the token is looked up, in order, when none is passed."""

BASE_URL_ENV_VAR = "CORTEX_BASE_URL"
"""Where the base URL is looked up when none is passed."""

LOG_ENV_VAR = "CORTEX_LOG"
"""``debug`` or ``info`` sends the library's log records to stderr (read when a client is created)."""

SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"})
"""Response headers a page or an error never keeps."""

DEFAULT_TIMEOUT = 30.0
"""Seconds for each of connect, read, write and pool acquisition."""

DEFAULT_MAX_RETRIES = 5
"""Retries after the first attempt, for 429, 500/502/503/504, timeouts and dropped connections."""

DEFAULT_MAX_RETRY_WAIT = 60.0
"""The longest single wait the client accepts; a longer ``Retry-After`` raises ``RateLimitError`` at once."""

DEFAULT_REQUESTS_PER_MINUTE = 1000
"""Cortex's documented rate limit, per client."""

RATE_WINDOW_SECONDS = 60.0
"""The window ``requests_per_minute`` counts over: no 60 s window holds more requests than that."""

DEFAULT_PAGE_SIZE = 1000
"""Records per request: the API's maximum, so the fewest requests."""

MIN_PAGE_SIZE = 1
MAX_PAGE_SIZE = 1000
"""The API's enforced ``pageSize`` bounds."""

DEFAULT_CONCURRENCY = 4
"""Pages fetched at once after the first."""

BACKOFF_INITIAL = 0.5
"""First backoff wait in seconds, doubled on each further retry."""

BACKOFF_MAX = 30.0
"""Cap of one backoff wait in seconds (before jitter)."""

RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})
"""Server errors worth retrying: every operation is a GET."""

ERROR_EXCERPT_CHARS = 200
"""How much of an unexpected body an exception quotes."""

PROBE_PAGE_DISTANCE = 1_000_000
"""How far past the current page the crawl probes, when totals are nonsense, to tell a server that ignores
``page`` (it answers the same records) from one that pages correctly (it answers an empty page)."""

DEDUPE_WINDOW_PAGES = 2
"""Record ids remembered for deduplication, in pages beyond ``concurrency``: bounded memory."""

MAX_INT64 = 2**63 - 1
"""The largest id the spec's ``int64`` id filters (``notificationRunIds``, ``recipientEntityIds``) can carry."""

MAX_QUERY_LENGTH = 60_000
"""The longest encoded query the client sends, in characters: filters, ``extra_query``, page, page size and
the frozen upper bound together. httpx refuses URLs over 65,536 characters, so a longer query (100,000 e-mail
addresses, say) could never be sent: it is refused before any request with ``InvalidParameterError`` naming
its largest part (a filter or ``extra_query``); split such a filter over several calls.
Servers often refuse far shorter URLs (414 or 400), which the client reports as an API error."""

# -- cortex-logs ---------------------------------------------------------------------------------------------

DEFAULT_LAG_SECONDS = 300.0
"""``cortex-logs --lag``: how far back each ``--checkpoint`` run or ``--follow`` poll re-reads, for records that
arrive late (their timestamp older than the newest exported). Identities seen in it are kept, so none repeats."""

DEFAULT_FOLLOW_INTERVAL_SECONDS = 60.0
"""``cortex-logs --follow --interval``: seconds from the start of one poll to the start of the next."""

MAX_SEEN_IDENTITIES = 50_000
"""The most record identities a checkpoint keeps for the late-arrival window; past it the window shrinks
(whole timestamps at a time, oldest first) and the run says so. Bounds the checkpoint's size."""

FOLLOW_MAX_BACKOFF_SECONDS = 600.0
"""``cortex-logs --follow``: the longest wait between polls while they fail (doubling from ``--interval``)."""

FOLLOW_MAX_RETRY_AFTER_SECONDS = 3600.0
"""``cortex-logs --follow``: the longest a 429's ``Retry-After`` holds the next poll back. A server asking for
longer (300000000000 s, more than a date or a sleep can hold) is asked again after this long."""

FOLLOW_MAX_INTERVAL_SECONDS = 86_400.0
"""``cortex-logs --follow --interval``: its upper bound (a day; a longer one is a usage error: use a cron job). With
the two caps above, no wait between polls is ever longer than this."""

NOTIFICATION_RETENTION_DAYS = 30
"""How long Cortex keeps notification logs and runs (Cortex's docs, Notification logs page: logs are kept 30 days,
their contents 14). ``cortex-logs`` warns when ``--since`` reaches past it, and a checkpoint that falls further
behind than this stops with exit 8 (a gap is possible) unless ``--accept-gap``."""

POLL_RECORD_REFRESH_SECONDS = 3600.0
"""How old the checkpoint's ``polled_until`` (the end of the last complete poll, by which a retention gap is
judged) may get before an idle run writes the checkpoint for it: an idle ``--follow`` poll writes nothing, and
the retention check errs by at most an hour, early."""

NOTIFICATION_CONTENT_RETENTION_DAYS = 14
"""How long Cortex keeps a notification's contents (same source): older logs may come back without them."""
