"""Update middlewares: who is writing, and in which language to answer."""
