"""Reusable widgets: custom-painted charts, panels and delegates."""
