"""Use cases shared by the bot, the web panel and the scheduler; one transaction each."""
