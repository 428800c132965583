"""What the county IT person runs beside the bot: bulk invites for the roster, the health check."""
