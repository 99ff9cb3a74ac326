"""The API base every endpoint builds on (articles/api, tracker/api): views, pagination,
filters, scopes, rate limits, streamed exports. Infrastructure: it names no app (the API key
behind a request is plugged in by DRF's DEFAULT_AUTHENTICATION_CLASSES setting)."""
