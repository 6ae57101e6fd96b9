"""The local store: the only package (with server/) that imports SQLAlchemy."""
