"""The top layer: the project's URLconf, the API router and the sitemaps, the one place that
names every app's pages and endpoints (docs/architecture.md). Nothing imports this package."""
