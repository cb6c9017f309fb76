"""Channel adapters: each turns its platform's traffic into aiogram updates and back."""
