"""The embedded default for a developer's machine and the demo: debug on, loopback feeds allowed."""

from .base import *  # noqa: F403
from .base import FEEDS, PARTNERS, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="insecure-local-development-key-change-me")
FEEDS["ALLOW_LOOPBACK"] = env.bool("FEEDS_ALLOW_LOOPBACK", default=True)
PARTNERS["WEBHOOK_ALLOW_LOOPBACK"] = env.bool("PARTNERS_WEBHOOK_ALLOW_LOOPBACK", default=True)
