"""Ona's core: domain models and services shared by the bot, the web panel and the scheduler."""
