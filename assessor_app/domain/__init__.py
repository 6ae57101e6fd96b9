"""Pure domain code: no I/O, no Qt, no SQLAlchemy. Safe to import anywhere."""
