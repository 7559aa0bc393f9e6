"""TaskFlow tasks, one array action each (see :mod:`.base`)."""
