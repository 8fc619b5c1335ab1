"""Template tags of the programme pages."""
