"""The compile engine: database aggregation of closed questions (``aggregate``), offline
campaign detection (``campaigns``) and theme finding (``themes``) for free text, and the
quality measures that check them against a labelled corpus (``quality``)."""
