"""Qt item models over domain DTOs (no database access here)."""
