"""`python -m assessor_app` is the same as the `assessor-app` command."""

from assessor_app.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
