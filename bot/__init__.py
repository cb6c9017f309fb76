"""The conversation engine: one aiogram Dispatcher serving Telegram, Viber and web chat."""
