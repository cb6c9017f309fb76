"""The web panel and JSON API: aiohttp + Jinja2, server-rendered, no build step."""
